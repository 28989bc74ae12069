using System.Runtime.Intrinsics.X86;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// <see cref="RecordFields"/>: the cells of a record without quotes, sliced at its delimiters, are the cells the CSV
/// reader forms; anything it cannot split exactly (a quote, a count that disagrees) goes back to the reader.
/// </summary>
public class RecordFieldsTests
{
    private static string[] Cells(RecordFields fields, string record, int count) =>
        Enumerable.Range(0, count - 1).Select(c => fields.Cell(record, c).ToString()).ToArray();

    [Fact]
    public void Splits_a_record_at_every_delimiter_including_empty_cells()
    {
        if (!Sse2.IsSupported)
        {
            return; // without SSE2 nothing is split: the engine asks the reader per cell, as the refusals below check
        }
        var fields = new RecordFields(',', '"');
        Assert.True(fields.TrySplit("a,bb,,dddd,e", 5));
        Assert.Equal(["a", "bb", "", "dddd"], Cells(fields, "a,bb,,dddd,e", 5));
    }

    [Fact]
    public void Splits_records_longer_than_a_vector_step_like_string_split()
    {
        if (!Sse2.IsSupported)
        {
            return;
        }
        var fields = new RecordFields(';', '\'');
        var random = new Random(19);
        for (int n = 0; n < 500; n++)
        {
            var chars = new char[random.Next(0, 90)];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = random.Next(5) == 0 ? ';' : (char)random.Next('a', 'z' + 1);
            }
            string record = new(chars);
            string[] expected = record.Split(';');
            Assert.True(fields.TrySplit(record, expected.Length), record);
            Assert.Equal(expected[..^1], Cells(fields, record, expected.Length));
        }
    }

    [Theory]
    [InlineData("\"a\",b")]
    [InlineData("a,b\"c")]
    [InlineData("0123456789,12345,7890123456789,\"")]
    [InlineData("0123456789,12\"45,7890123456789,x")]
    [InlineData("a,b\rc")]
    [InlineData("0123456789,12345,7890123\n456789,x")]
    public void Refuses_a_record_with_a_quote_or_a_line_break_anywhere(string record)
    {
        var fields = new RecordFields(',', '"');
        Assert.False(fields.TrySplit(record, record.Count(c => c == ',') + 1));
    }

    [Theory]
    [InlineData("a,b,c,d", 3)]
    [InlineData("a,b,c,d", 5)]
    [InlineData("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t", 2)]
    [InlineData("", 0)]
    public void Refuses_a_record_whose_delimiters_disagree_with_the_field_count(string record, int count)
    {
        var fields = new RecordFields(',', '"');
        Assert.False(fields.TrySplit(record, count));
    }

    [Fact]
    public void Grows_for_a_record_of_many_fields()
    {
        if (!Sse2.IsSupported)
        {
            return;
        }
        var fields = new RecordFields('\t', '"');
        string record = string.Join('\t', Enumerable.Range(0, 1_000).Select(i => i.ToString()));
        Assert.True(fields.TrySplit(record, 1_000));
        Assert.Equal("998", fields.Cell(record, 998).ToString());
        Assert.True(fields.TrySplit("x\ty", 2));
        Assert.Equal("x", fields.Cell("x\ty", 0).ToString());
    }
}
