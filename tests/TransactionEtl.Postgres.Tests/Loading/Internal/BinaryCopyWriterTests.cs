using System.Globalization;
using FsCheck.Xunit;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading.Internal;

/// <summary>
/// The loader's own binary COPY encoding, judged by the server that decodes it: what PostgreSQL stores must be
/// what .NET's invariant formatter and Npgsql's readers say the value is.
/// </summary>
public sealed class BinaryCopyWriterTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private static readonly ColumnType[] AllTypes =
        [ColumnType.Text, ColumnType.Numeric, ColumnType.Timestamp, ColumnType.Boolean, ColumnType.BigInt, ColumnType.Date];

    [Theory]
    [InlineData("0")]
    [InlineData("0.00")]
    [InlineData("-0.00")]
    [InlineData("0.001")]
    [InlineData("-0.5")]
    [InlineData("12.34")]
    [InlineData("10.50")]
    [InlineData("10000")]
    [InlineData("10000.0000")]
    [InlineData("-1234567.891")]
    [InlineData("0.0000000000000000000000000001")]
    [InlineData("18446744073709551615")]
    [InlineData("18446744073709551616")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("-7922816251426433759354395.0335")]
    public void Stores_a_decimal_as_the_invariant_formatter_writes_it(string text)
    {
        var value = decimal.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal([value.ToString(CultureInfo.InvariantCulture)], StoreNumerics([value]));
    }

    // Any 96-bit integer, sign and scale; the upper 32 bits are zero in two thirds of the cases, as in every amount.
    [Property(MaxTest = 40)]
    public bool Stores_any_decimal_as_the_invariant_formatter_writes_it((int Low, int Middle, int High, bool Negative, byte Scale)[] parts)
    {
        var values = parts.Select(p => new decimal(p.Low, p.Middle, p.High % 3 == 0 ? p.High : 0, p.Negative, (byte)(p.Scale % 29))).ToArray();
        return StoreNumerics(values).SequenceEqual(values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Stores_every_column_type_and_null_as_npgsql_reads_them()
    {
        var time = new DateTime(2025, 3, 1, 12, 34, 56, DateTimeKind.Utc).AddTicks(1_234_567); // .1234567 s: 7 ticks past the microsecond
        object?[][] rows =
        [
            ["Ünïcødé € \\ \t \n 😀", 12.30m, time, true, long.MinValue, new DateOnly(2024, 2, 29)],
            ["", -0.001m, new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999), false, 0L, new DateOnly(1, 1, 1)],
            [null, null, null, null, null, null],
        ];

        using var connection = Open("t text, n numeric, ts timestamptz, b boolean, i bigint, d date");
        Copy(connection, "t, n, ts, b, i, d", AllTypes, rows);

        using var read = new NpgsqlCommand("SELECT t, n::text, ts, b, i, d, file_id, source_line FROM pg_temp.target ORDER BY source_line", connection).ExecuteReader();
        Assert.True(read.Read());
        Assert.Equal("Ünïcødé € \\ \t \n 😀", read.GetString(0));
        Assert.Equal("12.30", read.GetString(1));
        Assert.Equal(time.AddTicks(-7), read.GetFieldValue<DateTime>(2)); // floored to the microsecond
        Assert.True(read.GetBoolean(3));
        Assert.Equal(long.MinValue, read.GetInt64(4));
        Assert.Equal(new DateOnly(2024, 2, 29), read.GetFieldValue<DateOnly>(5));
        Assert.Equal((7L, 1L), (read.GetInt64(6), read.GetInt64(7)));
        Assert.True(read.Read());
        Assert.Equal("", read.GetString(0));
        Assert.Equal("-0.001", read.GetString(1));
        Assert.Equal(new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990), read.GetFieldValue<DateTime>(2));
        Assert.False(read.GetBoolean(3));
        Assert.Equal(0L, read.GetInt64(4));
        Assert.Equal(new DateOnly(1, 1, 1), read.GetFieldValue<DateOnly>(5));
        Assert.True(read.Read());
        Assert.All(Enumerable.Range(0, 6), i => Assert.True(read.IsDBNull(i), $"column {i} is not null"));
        Assert.False(read.Read());
    }

    [Fact]
    public void Stores_integer_time_and_interval_as_the_server_prints_them()
    {
        object?[][] rows =
        [
            [int.MinValue, TimeOnly.MinValue, new IsoDuration(0, 0, 0)],
            [int.MaxValue, TimeOnly.MaxValue, new IsoDuration(-14, 3, -1)], // the time floors to the microsecond
            [2024, new TimeOnly(12, 34, 56, 789, 12), new IsoDuration(int.MaxValue, int.MinValue, 86_399_999_999L)],
            [null, null, null],
        ];

        using var connection = Open("i integer, t time, d interval");
        Copy(connection, "i, t, d", [ColumnType.Int4, ColumnType.Time, ColumnType.Interval], rows);

        using var read = new NpgsqlCommand("SELECT i::text, t::text, d::text FROM pg_temp.target ORDER BY source_line", connection).ExecuteReader();
        string?[][] expected =
        [
            ["-2147483648", "00:00:00", "00:00:00"],
            ["2147483647", "23:59:59.999999", "-1 years -2 mons +3 days -00:00:00.000001"],
            ["2024", "12:34:56.789012", "178956970 years 7 mons -2147483648 days +23:59:59.999999"],
            [null, null, null],
        ];
        foreach (var row in expected)
        {
            Assert.True(read.Read());
            Assert.Equal(row, Enumerable.Range(0, 3).Select(i => read.IsDBNull(i) ? null : read.GetString(i)).ToArray());
        }

        Assert.False(read.Read());
    }

    [Fact]
    public void Writes_the_extreme_dates_and_times_as_infinities()
    {
        object?[][] rows =
        [
            [DateTime.MinValue, DateOnly.MinValue],
            [DateTime.MaxValue, DateOnly.MaxValue],
        ];

        using var connection = Open("ts timestamptz, d date");
        Copy(connection, "ts, d", [ColumnType.Timestamp, ColumnType.Date], rows);

        using var read = new NpgsqlCommand("SELECT ts::text, d::text FROM pg_temp.target ORDER BY source_line", connection).ExecuteReader();
        Assert.True(read.Read());
        Assert.Equal(("-infinity", "-infinity"), (read.GetString(0), read.GetString(1)));
        Assert.True(read.Read());
        Assert.Equal(("infinity", "infinity"), (read.GetString(0), read.GetString(1)));
    }

    [Fact]
    public void Refuses_a_time_that_is_not_utc()
    {
        using var connection = Open("ts timestamptz");
        using var copy = connection.BeginRawBinaryCopy("COPY pg_temp.target (ts, file_id, source_line) FROM STDIN (FORMAT BINARY)");
        var writer = new BinaryCopyWriter(copy);

        var e = Assert.Throws<InvalidOperationException>(() =>
            writer.WriteRow([ColumnType.Timestamp], [new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Local)], 1, 1));

        Assert.Contains("must be UTC", e.Message, StringComparison.Ordinal);
        copy.Cancel();
    }

    [Fact]
    public void Keeps_every_row_across_buffer_ends_and_text_longer_than_the_buffer()
    {
        // 2,000 rows of 3-byte characters fill the 64 KiB buffer many times at odd offsets; one value is 200 KB.
        var rows = Enumerable.Range(0, 2000).Select(i => new object?[] { new string('€', i % 97), -12.340m }).ToList();
        rows.Insert(1000, [new string('x', 200_000), 1m]);

        using var connection = Open("t text, n numeric");
        Copy(connection, "t, n", [ColumnType.Text, ColumnType.Numeric], rows);

        using var read = new NpgsqlCommand("SELECT t, n::text FROM pg_temp.target ORDER BY source_line", connection).ExecuteReader();
        foreach (var row in rows)
        {
            Assert.True(read.Read());
            Assert.Equal((string)row[0]!, read.GetString(0));
            Assert.Equal(((decimal)row[1]!).ToString(CultureInfo.InvariantCulture), read.GetString(1));
        }

        Assert.False(read.Read());
    }

    private string[] StoreNumerics(decimal[] values)
    {
        using var connection = Open("n numeric");
        Copy(connection, "n", [ColumnType.Numeric], values.Select(v => new object?[] { v }).ToList());
        using var read = new NpgsqlCommand("SELECT n::text FROM pg_temp.target ORDER BY source_line", connection).ExecuteReader();
        var stored = new List<string>();
        while (read.Read())
        {
            stored.Add(read.GetString(0));
        }

        return stored.ToArray();
    }

    private NpgsqlConnection Open(string columns)
    {
        var connection = new NpgsqlConnection(db.ConnectionString);
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE TEMP TABLE target ({columns}, file_id bigint, source_line bigint)", connection);
        create.ExecuteNonQuery();
        return connection;
    }

    private static void Copy(NpgsqlConnection connection, string columns, ColumnType[] types, IReadOnlyList<object?[]> rows)
    {
        using var copy = connection.BeginRawBinaryCopy($"COPY pg_temp.target ({columns}, file_id, source_line) FROM STDIN (FORMAT BINARY)");
        var writer = new BinaryCopyWriter(copy);
        for (var i = 0; i < rows.Count; i++)
        {
            writer.WriteRow(types, rows[i], 7, i + 1);
        }

        writer.Complete();
    }
}
