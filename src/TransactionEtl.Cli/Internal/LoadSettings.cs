using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>Option values of the commands that load files (<c>run</c>, <c>watch</c>); see <see cref="LoadOptions"/>.</summary>
internal class LoadSettings : GlobalSettings
{
    /// <summary>As given; resolved by <c>CommonOptions.LoadContract</c>.</summary>
    public string? Contract { get; set; }

    /// <summary><c>--delimiter</c>, one character, or null for the contract's.</summary>
    public string? Delimiter { get; set; }

    /// <summary><c>--encoding</c>, or null for the contract's.</summary>
    public string? Encoding { get; set; }

    /// <summary>Checked while parsing to be from 0 to 1; null for the contract's own threshold.</summary>
    public decimal? MaxRejectedRatio { get; set; }

    /// <summary>As given to <c>--lock-timeout</c> (checked to be 0 or more); null for the loader's default.</summary>
    public int? LockTimeoutSeconds { get; set; }

    /// <summary><c>--max-decompressed-bytes</c>, or the engine's default.</summary>
    public long MaxDecompressedBytes { get; set; } = ProcessingOptions.DefaultMaxDecompressedBytes;

    /// <summary><c>--max-decompression-ratio</c>, or the engine's default.</summary>
    public int MaxDecompressionRatio { get; set; } = ProcessingOptions.DefaultMaxDecompressionRatio;
}
