using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// The options that more than one command takes, each defined once (as dotnet/sdk's <c>CommonOptions</c>): the same
/// name, help, parse-time check and message in every command. Factories, not shared instances, because a
/// System.CommandLine symbol remembers the commands it was added to and each parse builds its own tree.
/// </summary>
internal static class CommonOptions
{
    /// <summary>PostgreSQL's lock_timeout is an int of milliseconds: about 24 days.</summary>
    private const int MaxLockTimeoutSeconds = int.MaxValue / 1000;

    /// <summary><c>--contract FILE</c> (validate, run, watch); resolve its value with <c>LoadContract</c>.</summary>
    public static Option<string?> Contract() => new("--contract")
    {
        HelpName = "FILE",
        Description = "A contract file (Table Schema JSON, see docs/contracts.md). Default: the built-in transactions contract.",
    };

    /// <summary>
    /// <c>--max-rejected-ratio R</c> (validate, run, watch): a decimal from 0 to 1. A value that is no such number
    /// (a word, a sign, more than 1) gets one message, whichever command it was given to.
    /// </summary>
    public static Option<decimal?> MaxRejectedRatio()
    {
        var option = new Option<decimal?>("--max-rejected-ratio")
        {
            HelpName = "R",
            Description = "Reject a file when more than this share of its rows is rejected (0..1). Default: the contract's (0.05).",
        };
        option.CustomParser = ParseRatio;
        return option;
    }

    /// <summary><c>--fail-on-rejects</c> (validate, run): for pipelines that want every row or a failed step.</summary>
    public static Option<bool> FailOnRejects() => new("--fail-on-rejects")
    {
        Description = "Exit 2 when any row is rejected, not only when a whole file is (loaded_with_rejects then exits 2 too; its rows stay loaded).",
    };

    /// <summary><c>--lock-timeout SECONDS</c> (run, watch).</summary>
    public static Option<int?> LockTimeout() => new Option<int?>("--lock-timeout")
    {
        HelpName = "SECONDS",
        Description = "How long a load waits for a lock another session holds (a load of overlapping ids, a LOCK TABLE) " +
            "before it fails as retryable; 0 waits without limit. Default: 30.",
    }.Number().Check(value => value is < 0 or > MaxLockTimeoutSeconds
        ? $"--lock-timeout must be a whole number of seconds from 0 (no limit) to {MaxLockTimeoutSeconds}, got {value}."
        : null);

    /// <summary><c>--max-decompressed-bytes BYTES</c> (validate, run, watch): the decompression-bomb guard's size limit.</summary>
    public static Option<long?> MaxDecompressedBytes() => new Option<long?>("--max-decompressed-bytes")
    {
        HelpName = "BYTES",
        Description = "Reject a compressed file (gzip, zstd, bzip2) that decompresses to more bytes than this " +
            "(decompression-limit); 0 for no limit. Default: 68719476736 (64 GiB).",
    }.Number().Check(value => value < 0 ? $"--max-decompressed-bytes must be 0 (no limit) or more, got {value}." : null);

    /// <summary><c>--max-decompression-ratio R</c> (validate, run, watch): the decompression-bomb guard's ratio limit.</summary>
    public static Option<int?> MaxDecompressionRatio() => new Option<int?>("--max-decompression-ratio")
    {
        HelpName = "R",
        Description = "Reject a compressed file whose decompressed bytes exceed R times its stored bytes (checked from 256 KiB " +
            "of output on; decompression-limit); 0 for no limit. Default: 100.",
    }.Number().Check(value => value < 0 ? $"--max-decompression-ratio must be 0 (no limit) or more, got {value}." : null);

    /// <summary><c>--delimiter C</c> (validate, run, watch); <c>tab</c> for a tab.</summary>
    public static Option<string?> Delimiter() => new Option<string?>("--delimiter")
    {
        HelpName = "C",
        Description = "Read the file with this delimiter instead of the contract's, for this run only: one character, or 'tab'.",
        // A tab is hard to type in a shell argument; 'tab' and a backslash-t stand for it.
        CustomParser = result => result.Tokens.Count == 0 ? null : result.Tokens[^1].Value is "tab" or "\\t" ? "\t" : result.Tokens[^1].Value,
    }.Check(value => value is not null && value.Length != 1 ? $"--delimiter must be one character or 'tab', got '{value}'." : null);

    /// <summary><c>--encoding NAME</c> (validate, run, watch).</summary>
    public static Option<string?> Encoding() => new("--encoding")
    {
        HelpName = "NAME",
        Description = "Read the file in this encoding instead of the contract's, for this run only: utf-8, utf-16le, utf-16be, iso-8859-1, windows-1252, ...",
    };

    /// <summary>
    /// <see cref="LoadContract(string?, CliEnvironment)"/> with the dialect overridden by <c>--delimiter</c> and
    /// <c>--encoding</c> when given.
    /// </summary>
    public static Contract LoadContract(string? contract, string? delimiter, string? encoding, CliEnvironment environment)
    {
        var loaded = LoadContract(contract, environment);
        return delimiter is null && encoding is null ? loaded : loaded.WithDialect(delimiter, encoding);
    }

    /// <summary>
    /// The contract a <c>--contract</c> value names, relative to the working directory; the built-in one when none
    /// is given. A missing file is the user's mistake, named as such rather than as an I/O exception.
    /// </summary>
    public static Contract LoadContract(string? contract, CliEnvironment environment)
    {
        if (contract is null)
        {
            return Core.Contract.Default;
        }
        var path = Path.GetFullPath(contract, environment.CurrentDirectory);
        if (!File.Exists(path))
        {
            throw new TransactionEtlException($"{contract}: contract file not found");
        }
        return Core.Contract.Load(path);
    }

    private static decimal? ParseRatio(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ratio) && ratio <= 1)
        {
            return ratio;
        }
        result.AddError($"--max-rejected-ratio must be a number between 0 and 1 such as 0.05, got '{text}'.");
        return null;
    }
}
