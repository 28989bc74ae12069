using System.Globalization;

namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>One run of the engine over a hostile case, with the hang guard and the allocation measurement.</summary>
internal sealed record HostileRun(HostileCase Case, FileResult Result, OrderedSink Sink, long AllocatedBytes)
{
    /// <summary>
    /// The hang guard: the engine gets a token that cancels after a minute and the await gives up after two.
    /// Generous on purpose; it turns a hang into a failure, it does not assert speed.
    /// </summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    public static async Task<HostileRun> ExecuteAsync(HostileCase c)
    {
        var options = new ProcessingOptions
        {
            MaxRecordChars = c.MaxRecordChars ?? ProcessingOptions.DefaultMaxRecordChars,
            MaxFieldChars = c.MaxFieldChars ?? ProcessingOptions.DefaultMaxFieldChars,
            MaxFieldsPerRecord = c.MaxFieldsPerRecord ?? ProcessingOptions.DefaultMaxFieldsPerRecord,
            // As the loader runs it: in-file duplicates are resolved in SQL, not in memory.
            DetectDuplicatesInMemory = false,
        };
        await using var input = HostileInputs.Open(c);
        var sink = new OrderedSink(keepValues: c.Generate is null);
        using var cts = new CancellationTokenSource(HangGuard);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await FileProcessor.ProcessAsync(input, sink, options, cts.Token).WaitAsync(2 * HangGuard);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        return new HostileRun(c, result, sink, allocated);
    }

    /// <summary>Every way the run differs from the manifest and the universal invariants; empty when it matches.</summary>
    public List<string> Mismatches()
    {
        var e = Case.Expect;
        var r = Result;
        var broken = Invariants.Check(r, Sink, Case.File is null ? null : new FileInfo(Path.Combine(HostileManifest.Directory, Case.File)).Length);
        void Compare<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                broken.Add($"{what}: expected {expected}, got {actual}");
            }
        }
        Compare(e.FileError, r.ErrorCode, "file error code");
        foreach (string phrase in e.MessageContains)
        {
            if (r.ErrorMessage is null || !r.ErrorMessage.Contains(phrase, StringComparison.Ordinal))
            {
                broken.Add($"message does not contain '{phrase}': {r.ErrorMessage}");
            }
        }
        Compare(e.RowsTotal, r.RowsTotal, "rows_total");
        Compare(e.RowsValid, r.RowsValid, "rows valid");
        Compare(e.RowsRejected, r.RowsRejected, "rows rejected");
        Compare(e.BlankLines, r.BlankLines, "blank_lines");
        var actualRejected = Sink.Rejected.ToDictionary(
            x => x.Line.ToString(CultureInfo.InvariantCulture),
            x => string.Join(" ", x.Errors.Select(err => err.Column is null ? err.Code : $"{err.Code}@{err.Column}").Order(StringComparer.Ordinal)));
        var expectedRejected = e.Rejected.ToDictionary(kv => kv.Key, kv => string.Join(" ", kv.Value.Order(StringComparer.Ordinal)));
        foreach (var line in actualRejected.Keys.Union(expectedRejected.Keys).Order(StringComparer.Ordinal))
        {
            Compare(expectedRejected.GetValueOrDefault(line), actualRejected.GetValueOrDefault(line), $"line {line} rejected with");
        }
        var columns = Contract.Default.OutputColumns.Select(col => col.Name).ToList();
        foreach (var (line, values) in e.Values)
        {
            if (!Sink.Valid.TryGetValue(long.Parse(line, CultureInfo.InvariantCulture), out var row))
            {
                broken.Add($"line {line} was expected to be accepted");
                continue;
            }
            foreach (var (column, expected) in values)
            {
                Compare(expected, Text(row[columns.IndexOf(column)]), $"line {line} {column}");
            }
        }
        if (e.Warnings is { } warnings)
        {
            Compare(warnings, r.Warnings.Count, "warnings");
        }
        if (e.MaxMessageChars is { } maxChars && (r.ErrorMessage?.Length ?? 0) > maxChars)
        {
            broken.Add($"message is {r.ErrorMessage!.Length} characters, more than {maxChars}");
        }
        if (e.MaxAllocatedMiB is { } maxMiB && AllocatedBytes > maxMiB * 1024L * 1024)
        {
            broken.Add($"allocated {AllocatedBytes / (1024 * 1024)} MiB, more than {maxMiB} MiB");
        }
        return broken;
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
