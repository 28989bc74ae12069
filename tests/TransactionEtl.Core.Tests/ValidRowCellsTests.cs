namespace TransactionEtl.Core.Tests;

/// <summary>
/// <see cref="ValidRow.GetCells"/> is the binary COPY writer's view of a row: it must show every column as the
/// public accessors do, for each way a column can be set, and follow the row when it is reused.
/// </summary>
public sealed class ValidRowCellsTests
{
    [Fact]
    public void Shows_every_column_as_the_accessors_do()
    {
        var time = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        var row = new ValidRow(6);
        row.SetText(0, "TX-1".AsSpan());
        row.SetDecimal(1, -12.50m);
        row.SetDateTime(2, time);
        row.SetValue(3, "EUR");
        row.SetValue(4, null);
        row.SetValue(5, true);

        var cells = row.GetCells();

        Assert.Equal([ValidRow.Text, ValidRow.Number, ValidRow.Timestamp, ValidRow.Reference, ValidRow.Reference, ValidRow.Reference], cells.Kinds.ToArray());
        Assert.True(row.TryGetText(0, out var text));
        Assert.Equal(text.ToString(), cells.TextAt(0).ToString());
        Assert.Equal("TX-1", cells.TextAt(0).ToString());
        Assert.Equal(row.GetDecimal(1), cells.Numbers[1]);
        Assert.Equal(2, cells.Numbers[1].Scale);
        Assert.Equal(row.GetDateTime(2), cells.Timestamps[2]);
        Assert.Equal("EUR", cells.References[3]);
        Assert.True(row.IsNull(4));
        Assert.Null(cells.References[4]);
        Assert.Equal(true, cells.References[5]);
    }

    [Fact]
    public void Follows_the_row_when_it_is_reused()
    {
        var row = new ValidRow(2);
        row.SetText(0, new string('x', 100).AsSpan());
        row.SetDecimal(1, 1m);

        row.SetText(0, "short".AsSpan());
        row.SetValue(1, null);
        var cells = row.GetCells();

        Assert.Equal("short", cells.TextAt(0).ToString());
        Assert.Equal(ValidRow.Reference, cells.Kinds[1]);
        Assert.True(row.IsNull(1));
        Assert.Null(cells.References[1]);
    }

    [Fact]
    public void Shows_each_column_the_very_object_it_was_set_to()
    {
        // The writer's repeated-string table keys on string identity, so the view must hand back the same objects.
        var strings = new[] { new string('a', 3), new string('b', 5), new string('c', 7) };
        var row = new ValidRow(4);
        for (var i = 0; i < strings.Length; i++)
        {
            row.SetValue(i, strings[i]);
        }
        row.SetValue(3, null);

        var cells = row.GetCells();

        Assert.Equal(4, cells.References.Length);
        for (var i = 0; i < strings.Length; i++)
        {
            Assert.Same(strings[i], cells.References[i]);
            Assert.Same(strings[i], row.GetValue(i));
        }
        Assert.Null(cells.References[3]);
    }

    [Fact]
    public void Reads_a_lent_text_in_place_and_never_writes_into_it()
    {
        var lent = "TX-42 and more".ToCharArray();
        var row = new ValidRow(1);
        row.SetLentText(0, lent, 5);

        Assert.True(row.TryGetText(0, out var text));
        Assert.Equal("TX-42", text.ToString());
        Assert.Equal("TX-42", row.GetValue(0));
        var cells = row.GetCells();
        Assert.Same(lent, cells.Texts[0]);
        Assert.Equal("TX-42", cells.TextAt(0).ToString());

        // The lender changes its characters for the next row: the row reads them there.
        "TX-43".CopyTo(0, lent, 0, 5);
        Assert.Equal("TX-43", row.GetCells().TextAt(0).ToString());

        // A copied text after a lent one goes to a buffer of the row's own, not into the lender's.
        row.SetText(0, "XY".AsSpan());
        Assert.Equal("TX-43 and more", new string(lent));
        Assert.Equal("XY", row.GetCells().TextAt(0).ToString());
        Assert.NotSame(lent, row.GetCells().Texts[0]);
    }
}
