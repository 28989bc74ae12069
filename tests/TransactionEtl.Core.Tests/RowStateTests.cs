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

    private static List<(long Line, string Text)> Outcomes(CollectingSink sink) =>
    [
        .. sink.Valid.Select(v => (v.Line, "valid " + v.Raw + " " + string.Join("|", v.Values))),
        .. sink.Rejected.Select(r => (r.Line, "rejected " + r.RawRecord + " " + string.Join("|", r.Errors))),
    ];
}
