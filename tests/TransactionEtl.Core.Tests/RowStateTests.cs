namespace TransactionEtl.Core.Tests;

/// <summary>
/// The validator keeps no per-row state from one row to the next: nothing is cleared between rows, every cell and
/// flag of a field is written by the next row's cell or by its missing cell (issue 19), so a row whose cells are
/// missing, invalid or merely different after any other row must give the result it gives alone.
/// </summary>
public class RowStateTests
{
    public static TheoryData<string, string> Neighbours => new()
    {
        // A short row (the last cells missing) after and before full rows, and the other way round.
        { Engine.Row(id: "T-A", region: "DE-BE"), "T-B,2024-03-01T10:00:00Z,ACC-2" },
        { "T-A,2024-03-01T10:00:00Z,ACC-2,Shop,books,1.00", Engine.Row(id: "T-B", amount: "12.345") },
        { "T-A,2024-03-01T10:00:00Z", Engine.Row(id: "T-B", region: "FR-75", country: "FR") },
        // A kept id, time and amount after a remembered invalid one, and remembered values after kept ones.
        { Engine.Row(id: "T A", timestamp: "2024-02-30T10:00:00Z", amount: "1,00"), Engine.Row(id: "T-B") },
        { Engine.Row(id: "T-A", currency: "eur", country: " de", category: "Books"), Engine.Row(id: "T-B", currency: "EUX", country: "XX", category: "bread") },
        { Engine.Row(id: "T-A", amount: "119.00", currency: "JPY"), Engine.Row(id: "T-B", amount: "119.00", currency: "EUR") },
        { Engine.Row(id: "T-A", amount: "1,00"), Engine.Row(id: "T-B", amount: "5.5", currency: "JPY") },
        { Engine.Row(id: "T-A", region: "DE-BE"), Engine.Row(id: "T-B", region: "", includesTax: "yes") },
        // A kept id and account with spaces (kept trimmed when valid) next to longer, invalid or empty ones (kept as written).
        { Engine.Row(id: "  T-A ", account: " ACC-22  "), Engine.Row(id: "T-B-LONGER-ID", account: "ACC-3") },
        { Engine.Row(id: " T A ", account: " ", amount: " 1.5 "), Engine.Row(id: " T-B", account: "ACC-4 ", timestamp: " 2024-03-01 ") },
    };

    [Theory]
    [MemberData(nameof(Neighbours))]
    public async Task A_row_gives_the_same_result_after_any_other_row(string first, string second)
    {
        foreach (var (a, b) in new[] { (first, second), (second, first), (second, second), (first, first) })
        {
            var (_, together) = await Engine.RunAsync(Engine.Header + "\n" + a + "\n" + b + "\n", detectDuplicates: false);
            var (_, aloneA) = await Engine.RowAsync(a);
            var (_, aloneB) = await Engine.RowAsync(b);

            Assert.Equal(Outcomes(aloneA).Concat(Outcomes(aloneB)).Select(o => o.Text), Outcomes(together).OrderBy(o => o.Line).Select(o => o.Text));
        }
    }

    /// <summary>
    /// A remembered cell keeps its text in the memo entry (the validator holds only the entry's index): a later row
    /// that reuses the text and then fails a cross-field check or the tax step quotes the cell as written.
    /// </summary>
    public static TheoryData<string, string> RememberedNeighbours => new()
    {
        { Engine.Row(id: "T-A", country: "US", region: " us-ca"), Engine.Row(id: "T-B", country: "DE", region: " us-ca") },
        { Engine.Row(id: "T-A", amount: "1.5", currency: " jpy ", country: "JP"), Engine.Row(id: "T-B", amount: "1.5", currency: " jpy ") },
        { Engine.Row(id: "T-A", country: " de"), Engine.Row(id: "T-B", country: " de", timestamp: "1900-01-01T00:00:00Z") },
    };

    [Theory]
    [MemberData(nameof(RememberedNeighbours))]
    public async Task A_row_with_remembered_cells_reports_them_as_written(string first, string second)
    {
        var (_, together) = await Engine.RunAsync(Engine.Header + "\n" + first + "\n" + first + "\n" + second + "\n", detectDuplicates: false);
        var (_, aloneFirst) = await Engine.RowAsync(first);
        var (_, aloneSecond) = await Engine.RowAsync(second);

        var expected = Outcomes(aloneFirst).Concat(Outcomes(aloneFirst)).Concat(Outcomes(aloneSecond)).Select(o => o.Text);
        Assert.Equal(expected, Outcomes(together).OrderBy(o => o.Line).Select(o => o.Text));
        Assert.Contains(Outcomes(aloneSecond), o => o.Text.StartsWith("rejected", StringComparison.Ordinal));
    }

    private static List<(long Line, string Text)> Outcomes(CollectingSink sink) =>
    [
        .. sink.Valid.Select(v => (v.Line, "valid " + v.Raw + " " + string.Join("|", v.Values))),
        .. sink.Rejected.Select(r => (r.Line, "rejected " + r.RawRecord + " " + string.Join("|", r.Errors))),
    ];
}
