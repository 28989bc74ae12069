using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// For random quoted CSV (line breaks, CRLF, lone CRs and doubled quotes inside quotes, blank lines, bad cells,
/// short and long rows, a BOM or not) and a random chunk size, the chunks' records joined in order with their lines
/// offset are the single-stream records: the same valid rows, rejects (line, raw text, errors) and counts.
/// </summary>
public class ChunkingPropertyTests
{
    private static readonly Gen<string> Merchant = Gen.Elements(
        "Shop", "\"Caf\u00e9\"", "\"a\nb\"", "\"x\r\ny\"", "\"q\"\"uote\"", "\"a,b\"", "\"\"", "", "\"\n\"", "\"line\rCR\"",
        "\"TX-1,2024-03-01,ACC-1\n\"\"\"\"\"", "\"\n\n,\"\"\n\"", "\u00fc\u00df");

    private static readonly Gen<string> Amount = Gen.Elements("10.00", "-3.5", "abc", "", "\"7\"", "\"1\n\"");

    private static readonly Gen<string> Currency = Gen.Elements("EUR", "EUR", "JPY", "XXX");

    private static readonly Gen<string> Record = Gen.Frequency(
        (1, Gen.Elements("", " ", "\t")),
        (1, Gen.Elements("X1,2024-03-01T10:00:00Z", "X2,2024-03-01T10:00:00Z,ACC-1,Shop,groceries,1.00,EUR,DE,,,extra")),
        (8, Merchant.SelectMany(m => Amount.SelectMany(a => Currency.SelectMany(c => Gen.Choose(0, 9999).Select(id =>
            Engine.Row(id: $"R{id}", merchant: m, amount: a, currency: c)))))));

    private static readonly Gen<(byte[] Bytes, int ChunkBytes)> Files =
        Record.ListOf().SelectMany(records => Gen.Elements("\n", "\r\n").SelectMany(eol => Gen.Elements(true, false).SelectMany(bom =>
            Gen.Elements(true, false).SelectMany(finalBreak => Gen.Choose(1, 400).Select(chunk =>
            {
                string text = Engine.Header + eol + string.Join(eol, records) + (finalBreak ? eol : "");
                byte[] bytes = Encoding.UTF8.GetBytes(text);
                return (bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes, chunk);
            })))));

    [Property(MaxTest = 300)]
    public Property Chunks_joined_in_order_are_the_single_stream_result() =>
        Prop.ForAll(Files.ToArbitrary(), file =>
        {
            var (single, singleSink) = Engine.RunAsync(file.Bytes, detectDuplicates: false).GetAwaiter().GetResult();
            var (plan, chunked, chunkedSink) = ChunkedEngine.RunAsync(file.Bytes, file.ChunkBytes, ChunkedEngine.Options()).GetAwaiter().GetResult();
            string? difference = ChunkedEngine.Difference(single, singleSink, chunked, chunkedSink);
            return (difference is null && plan.Chunks.Sum(c => c.Length) == file.Bytes.Length)
                .Label($"{difference}; chunks at {string.Join(",", plan.Chunks.Select(c => c.Start))} of {file.Bytes.Length} bytes");
        });
}
