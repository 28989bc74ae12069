using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// <see cref="FieldCountingReader.HasRecordAfter"/>: the engine reads a record synchronously only when the text handed
/// to the CSV reader holds that whole record and a character after it; otherwise the reader would have to read.
/// </summary>
public class FieldCountingReaderTests
{
    private static FieldCountingReader ReadAll(string text, int chunk)
    {
        var reader = new FieldCountingReader(new StringReader(text), ',', '"', 1_000);
        var buffer = new char[chunk];
        while (reader.Read(buffer, 0, chunk) > 0)
        {
        }
        return reader;
    }

    [Fact]
    public void A_record_counts_as_held_once_its_end_and_one_more_character_are_handed_on()
    {
        var reader = ReadAll("a,b\nc,d\ne", chunk: 64);
        Assert.True(reader.HasRecordAfter(0));
        Assert.True(reader.HasRecordAfter(4));
        // "e" has no end yet: reading it needs the reader to read on (here: to find the end of the text).
        Assert.False(reader.HasRecordAfter(8));
    }

    [Fact]
    public void A_record_ending_on_the_last_character_handed_on_is_not_held()
    {
        // The CSV reader may need the next character (CR or CRLF?), which is not handed on yet.
        var reader = ReadAll("a,b\nc,d\n", chunk: 64);
        Assert.True(reader.HasRecordAfter(0));
        Assert.False(reader.HasRecordAfter(4));
        Assert.False(ReadAll("a,b\n", chunk: 64).HasRecordAfter(0));
    }

    [Fact]
    public void Line_breaks_inside_quotes_and_partial_chunks_end_no_record()
    {
        var partial = new FieldCountingReader(new StringReader("\"x\ny\"\nz"), ',', '"', 1_000);
        var buffer = new char[3];
        Assert.Equal(3, partial.Read(buffer, 0, 3)); // "x\n: the line break is quoted
        Assert.False(partial.HasRecordAfter(0));
        Assert.Equal(3, partial.Read(buffer, 0, 3)); // y"\n: the record's end, but nothing after it
        Assert.False(partial.HasRecordAfter(0));
        Assert.Equal(1, partial.Read(buffer, 0, 3));
        Assert.True(partial.HasRecordAfter(0));
        Assert.False(partial.HasRecordAfter(6));
    }

    [Fact]
    public void A_cr_only_file_ends_records_at_cr_also_across_a_chunk_boundary()
    {
        // The file's first line break is a CR at the end of a chunk: CR or CRLF is known only from the next chunk.
        var reader = new FieldCountingReader(new StringReader("a,b\rc\rd"), ',', '"', 1_000);
        var buffer = new char[4];
        Assert.Equal(4, reader.Read(buffer, 0, 4));
        Assert.False(reader.HasRecordAfter(0));
        Assert.Equal(3, reader.Read(buffer, 0, 4));
        Assert.True(reader.HasRecordAfter(0));
        Assert.True(reader.HasRecordAfter(4));
        Assert.False(reader.HasRecordAfter(6));
    }
}
