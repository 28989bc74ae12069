using TransactionEtl.Core;

/// <summary>Counts outcomes and checks each rejected row carries errors with messages.</summary>
internal sealed class CountingSink : IRowSink
{
    public long Valid { get; private set; }

    public long Rejected { get; private set; }

    public long LastLine { get; private set; }

    public Dictionary<string, long> Codes { get; } = new(StringComparer.Ordinal);

    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
    {
        Valid++;
        NextLine(row.Line);
        return ValueTask.CompletedTask;
    }

    public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
    {
        Rejected++;
        NextLine(row.Line);
        if (row.Errors.Count == 0 || row.Errors.Any(e => string.IsNullOrWhiteSpace(e.Message)))
        {
            throw new InvariantBrokenException($"line {row.Line}: a rejected row without errors or with an empty message");
        }
        foreach (var e in row.Errors)
        {
            Codes[e.Code] = Codes.GetValueOrDefault(e.Code) + 1;
        }
        return ValueTask.CompletedTask;
    }

    private void NextLine(long line)
    {
        if (line <= LastLine)
        {
            throw new InvariantBrokenException($"line {line} after line {LastLine}: line numbers must grow");
        }
        LastLine = line;
    }
}
