using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>
/// One entry of Data/hostile/manifest.json: an input (a committed file, or a big one generated at test time)
/// and the outcome the product promises for it. The manifest is the single source of docs/reliability.md.
/// </summary>
internal sealed record HostileCase
{
    /// <summary>Short stable id, also the test case name.</summary>
    public required string Name { get; init; }

    /// <summary>What the input is, in words (goes into the docs table).</summary>
    public required string Scenario { get; init; }

    /// <summary>Why this outcome was chosen when the spec does not say (goes into the docs table).</summary>
    public string? Decision { get; init; }

    /// <summary>The committed file under Data/hostile, or null for a generated input.</summary>
    public string? File { get; init; }

    /// <summary>A generated input (see <see cref="HostileInputs"/>): kind and size.</summary>
    public GeneratedSpec? Generate { get; init; }

    /// <summary>Limits for this run; the product defaults when null.</summary>
    public int? MaxRecordChars { get; init; }

    public int? MaxFieldChars { get; init; }

    public int? MaxFieldsPerRecord { get; init; }

    public required Expectation Expect { get; init; }
}

internal sealed record GeneratedSpec(string Kind, long Size);

internal sealed record Expectation
{
    /// <summary>The file-level code, or null when the file must be readable (rows accepted or rejected one by one).</summary>
    public string? FileError { get; init; }

    /// <summary>Phrases the file-level message must contain (the useful part: line, offset, hint).</summary>
    public string[] MessageContains { get; init; } = [];

    public long RowsTotal { get; init; }

    public long RowsValid { get; init; }

    public long RowsRejected { get; init; }

    public long BlankLines { get; init; }

    /// <summary>Every rejected row by line: its error codes, each as <c>code</c> or <c>code@column</c> (exact multiset).</summary>
    public Dictionary<string, string[]> Rejected { get; init; } = [];

    /// <summary>Values of accepted rows by line and output column, compared as invariant text.</summary>
    public Dictionary<string, Dictionary<string, string?>> Values { get; init; } = [];

    /// <summary>Number of warnings in the result (null: not checked).</summary>
    public int? Warnings { get; init; }

    /// <summary>Upper bound on the file-level message length (bounded messages for hostile headers).</summary>
    public int? MaxMessageChars { get; init; }

    /// <summary>Upper bound on bytes allocated by the engine for this input, in MiB (the memory-bound check).</summary>
    public int? MaxAllocatedMiB { get; init; }
}

internal static class HostileManifest
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Data", "hostile");

    public static IReadOnlyList<HostileCase> Cases { get; } = Load();

    private static List<HostileCase> Load()
    {
        using var stream = System.IO.File.OpenRead(Path.Combine(Directory, "manifest.json"));
        var doc = JsonSerializer.Deserialize<ManifestDocument>(stream, Json)
            ?? throw new InvalidOperationException("manifest.json is empty");
        return doc.Cases;
    }

    private sealed record ManifestDocument(List<HostileCase> Cases);
}
