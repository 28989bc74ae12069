using System.Text;
using TransactionEtl.Core.Samples;

namespace TransactionEtl.Testing.Faults;

/// <summary>Small CSV files under the default contract with ids chosen by the test (to share ids across files).</summary>
public static class TransactionCsv
{
    /// <summary>A valid row (books in France: a tax rule exists).</summary>
    public static string Row(string transactionId, string amount = "10.00") =>
        $"{transactionId},2025-05-01T10:00:00Z,ACC-1,Shop,books,{amount},EUR,FR,,";

    /// <summary>A row the engine rejects with <c>type-error</c> on amount.</summary>
    public static string InvalidRow(string transactionId) => Row(transactionId, "not-a-number");

    /// <summary>Writes the header and <paramref name="rows"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<string> rows)
    {
        var text = new StringBuilder(SampleGenerator.Header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
    }
}
