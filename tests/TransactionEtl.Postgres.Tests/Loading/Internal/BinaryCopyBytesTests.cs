using System.Buffers.Binary;
using System.Globalization;
using FsCheck.Xunit;
using Npgsql;
using NpgsqlTypes;
using TransactionEtl.Core;
using TransactionEtl.Core.Samples;
using TransactionEtl.Postgres.Loading.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading.Internal;

/// <summary>
/// The writer's numeric, text and row bytes, compared byte for byte: a numeric field must be exactly what the server's
/// own <c>numeric_send</c> writes for the value, text what <c>textsend</c> writes (its UTF-8), and a valid row written
/// from its cells exactly what its boxed values give.
/// </summary>
public sealed class BinaryCopyBytesTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    // The binary format's header (19 bytes) and a row's field count (2 bytes) come before a row's first field.
    private const int FirstField = 19 + 2;

    [Theory]
    [InlineData("0")]
    [InlineData("0.0")]
    [InlineData("0.00")]
    [InlineData("0.000")]
    [InlineData("0.0000")]
    [InlineData("0.00000")]
    [InlineData("-0.00")]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("12.3")]
    [InlineData("12.34")]
    [InlineData("-12.345")]
    [InlineData("12.3456")]
    [InlineData("12.34567")]
    [InlineData("10.50")]
    [InlineData("100.00")]
    [InlineData("123000000.000")]
    [InlineData("0.0001")]
    [InlineData("0.00001")]
    [InlineData("9999")]
    [InlineData("10000")]
    [InlineData("10001")]
    [InlineData("9999.9999")]
    [InlineData("10000.0000")]
    [InlineData("10000.0001")]
    [InlineData("-99999999")]
    [InlineData("100000000")]
    [InlineData("100000000.0001")]
    [InlineData("9999999999999")] // the last mantissa of the four-group path
    [InlineData("10000000000000")] // the first of the wide path
    [InlineData("999999999999.9")]
    [InlineData("9999999999999.999")]
    [InlineData("1234567890123.4567")]
    [InlineData("18446744073709551615")]
    [InlineData("18446744073709551616")]
    [InlineData("1000000000000000000000000000")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("-79228162514264337593543950335")]
    [InlineData("7.9228162514264337593543950335")]
    [InlineData("0.0000000000000000000000000001")]
    [InlineData("-0.1000000000000000000000000000")]
    public void Encodes_a_decimal_byte_for_byte_as_the_server_sends_it(string text)
    {
        var value = decimal.Parse(text, CultureInfo.InvariantCulture);
        using var connection = new NpgsqlConnection(db.ConnectionString);
        connection.Open();
        using var send = new NpgsqlCommand("SELECT numeric_send(@t::numeric)", connection);
        send.Parameters.AddWithValue("t", text);

        Assert.Equal(Convert.ToHexString((byte[])send.ExecuteScalar()!), Convert.ToHexString(Encode(value)));
    }

    // Npgsql sends the values with its own numeric encoding; the server decodes them and numeric_send writes them
    // back in its canonical form, which the writer's bytes must equal. Shape picks 96-bit, 64-bit or small mantissas.
    [Property(MaxTest = 60)]
    public bool Encodes_any_decimal_as_the_server_sends_what_npgsql_wrote((int Low, int Middle, int High, bool Negative, byte Scale, byte Shape)[] parts)
    {
        var values = parts.Select(p => (p.Shape % 3) switch
        {
            0 => new decimal(p.Low, p.Middle, p.High, p.Negative, (byte)(p.Scale % 29)),
            1 => new decimal(p.Low, p.Middle, 0, p.Negative, (byte)(p.Scale % 29)),
            _ => new decimal(p.Low, p.Middle & 0x7FF, 0, p.Negative, (byte)(p.Scale % 7)),
        }).ToArray();

        using var connection = new NpgsqlConnection(db.ConnectionString);
        connection.Open();
        using var send = new NpgsqlCommand("SELECT numeric_send(n) FROM unnest(@v) WITH ORDINALITY AS u(n, i) ORDER BY i", connection);
        send.Parameters.Add(new NpgsqlParameter("v", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = values });
        using var read = send.ExecuteReader();
        foreach (var value in values)
        {
            if (!read.Read() || !((byte[])read.GetValue(0)).AsSpan().SequenceEqual(Encode(value)))
            {
                return false;
            }
        }

        return !read.Read();
    }

    // Every length the writer's short-text loop takes (0-40: four characters per step, the rest one by one, longer
    // values by the runtime), all ASCII or with one character that is not ASCII at the start, middle or end.
    [Fact]
    public void Encodes_short_and_long_text_as_the_server_sends_it()
    {
        const string ascii = "TX-2024-000123 ACC~\u007F\u0001 Shop,books;\t\"x\"{}|abcdefghijklmnopqrstuvwxyz";
        var texts = new List<string>();
        foreach (var length in Enumerable.Range(0, 41))
        {
            var text = ascii[..length];
            texts.Add(text);
            foreach (var odd in new[] { "\u0080", "é", "€", "😀" })
            {
                foreach (var at in new[] { 0, length / 2, length })
                {
                    texts.Add(text.Insert(at, odd));
                }
            }
        }

        using var connection = new NpgsqlConnection(db.ConnectionString);
        connection.Open();
        using var send = new NpgsqlCommand("SELECT textsend(t) FROM unnest(@v) WITH ORDINALITY AS u(t, i) ORDER BY i", connection);
        send.Parameters.AddWithValue("v", texts.ToArray());
        using var read = send.ExecuteReader();
        foreach (var text in texts)
        {
            Assert.True(read.Read());
            Assert.Equal(Convert.ToHexString((byte[])read.GetValue(0)), Convert.ToHexString(Encode(ColumnType.Text, text)));
        }
    }

    [Fact]
    public async Task Writes_a_valid_row_from_its_cells_as_from_its_boxed_values()
    {
        // Sample rows of the default contract hold every kind of cell: kept text (ids), numbers, a timestamp, strings
        // and a boolean as objects, and empty optional cells (merchant, region).
        using var sample = new MemoryStream();
        await new SampleGenerator(new SampleOptions { Rows = 3000, Seed = 19, FaultRate = 0.02 }).WriteAsync(sample, CancellationToken.None);
        sample.Position = 0;
        using var sink = new TwoWaySink(Contract.Default.OutputColumns.Select(c => c.Type).ToArray());

        await FileProcessor.ProcessAsync(sample, sink, new ProcessingOptions { Contract = Contract.Default, MaxRejectedRatio = 1m }, CancellationToken.None);

        var (cells, values) = sink.Complete();
        Assert.True(sink.Rows > 2500, $"only {sink.Rows} valid rows");
        Assert.True(cells.Length > 100_000 && cells.AsSpan().SequenceEqual(values), "the cells' bytes differ from the boxed values' bytes");
    }

    [Fact]
    public async Task Writes_kept_text_and_strings_that_come_back_on_many_rows_as_when_each_is_encoded_anew()
    {
        // Merchants that the validator's memo hands back as the same string object row after row, more of them than
        // the writer keeps fields for (slots taken over), at and past the 28 bytes a kept field holds, ASCII and not.
        string[] odd = ["", "ユニクロ 銀座店", "Café", "€€€€€€€€€", "€€€€€€€€€€", "ü", new string('m', 28), new string('m', 29), "Grüße aus Köln GmbH & Co. KG"];
        var merchants = Enumerable.Range(0, 1500).Select(i => $"Shop {i}" + new string('x', i % 25)).Concat(odd).ToArray();
        // Ids are kept as characters in the row's buffer: every length to 64, the first one longer than the buffer's
        // first size, non-ASCII account ids, and short ASCII ones after long non-ASCII ones in the same buffer.
        string[] accounts = [new string('a', 33), .. Enumerable.Range(1, 58).Select(n => new string((char)('0' + n % 10), n)), "Kónto-ü-", "口座-", new string('ü', 55), "€", "A"];
        var random = new Random(5);
        var csv = new System.Text.StringBuilder("transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax\n");
        for (var i = 0; i < 12_000; i++)
        {
            var merchant = i < merchants.Length ? merchants[i] : merchants[random.Next(merchants.Length)];
            csv.Append(CultureInfo.InvariantCulture, $"{$"T{i}".PadRight(1 + (i % 64), 'x')},2024-03-10T20:55:55Z,{accounts[i == 0 ? 0 : random.Next(accounts.Length)]}{i},{merchant},books,12.34,EUR,DE,,\n");
        }

        using var sample = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString()));
        using var sink = new TwoWaySink(Contract.Default.OutputColumns.Select(c => c.Type).ToArray());

        await FileProcessor.ProcessAsync(sample, sink, new ProcessingOptions { Contract = Contract.Default }, CancellationToken.None);

        var (cells, values) = sink.Complete();
        Assert.Equal(12_000, sink.Rows);
        Assert.Equal(Convert.ToHexString(values), Convert.ToHexString(cells));
    }

    // More values than a column's memo has entries (slots taken over), equal values of other scales (different fields),
    // zeros of several scales, and amounts past the four-group path.
    private static readonly string[] Amounts =
    [
        .. Enumerable.Range(1, 90).Select(i => (i * 7.25m).ToString(CultureInfo.InvariantCulture)),
        "0", "0.0", "0.00", "12.5", "12.50", "100", "100.00", "0.01", "9999.99", "10000",
        "98765432109876.54", "99999999999.99", "100000000000", "1234567890123.45",
    ];

    // Countries of a few tax rates each, with their currencies (two minor digits).
    private static readonly string[] Countries = ["DE,EUR", "FR,EUR", "GB,GBP", "US,USD", "CH,CHF", "AU,AUD", "CA,CAD"];

    [Theory]
    [InlineData(0)] // every amount from the set: the amount columns keep their memos
    [InlineData(2000)] // the first 2,000 amounts all different: the amount columns drop their memos, the rate's stays
    public async Task Writes_numerics_that_come_back_as_when_each_is_encoded_anew(int distinctFirst)
    {
        var random = new Random(11);
        var csv = new System.Text.StringBuilder("transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax\n");
        for (var i = 0; i < 6_000; i++)
        {
            var amount = i < distinctFirst
                ? (1000 + i + random.Next(1000) / 100m).ToString(CultureInfo.InvariantCulture)
                : Amounts[random.Next(Amounts.Length)];
            var country = Countries[random.Next(Countries.Length)];
            var category = i % 3 == 0 ? "books" : "electronics";
            var includesTax = (i % 4) switch { 0 => "true", 1 => "false", _ => "" };
            csv.Append(CultureInfo.InvariantCulture, $"T{i},2024-03-10T20:55:55Z,ACC-{i % 97},Shop {i % 13},{category},{amount},{country[3..]},{country[..2]},,{includesTax}\n");
        }

        using var sample = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString()));
        using var sink = new TwoWaySink(Contract.Default.OutputColumns.Select(c => c.Type).ToArray());

        await FileProcessor.ProcessAsync(sample, sink, new ProcessingOptions { Contract = Contract.Default, MaxRejectedRatio = 1m }, CancellationToken.None);

        var (cells, values) = sink.Complete();
        Assert.True(sink.Rows > 4_000, $"only {sink.Rows} valid rows");
        Assert.Equal(Convert.ToHexString(values), Convert.ToHexString(cells));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(4086)]
    [InlineData(65526)]
    public void Writes_the_same_bytes_in_chunks_no_larger_than_asked(int chunkBytes)
    {
        // Text of 0-300 characters (3-byte ones every third row) at odd offsets, and two values longer than any chunk.
        var rows = Enumerable.Range(0, 3000)
            .Select(i => new object?[] { new string(i % 3 == 0 ? '€' : 'a', i % 301), -12.345m * i, (long)i })
            .ToList();
        rows.Insert(1000, [new string('x', 70_000), 1m, 0L]);
        rows.Insert(2000, [new string('ü', 30_000), 2m, 0L]);
        ColumnType[] types = [ColumnType.Text, ColumnType.Numeric, ColumnType.BigInt];

        using var expected = new MemoryStream();
        using var chunked = new RecordingStream();
        foreach (var (stream, writer) in new[] { (expected, new BinaryCopyWriter(expected)), ((MemoryStream)chunked, new BinaryCopyWriter(chunked, chunkBytes)) })
        {
            for (var i = 0; i < rows.Count; i++)
            {
                writer.WriteRow(types, rows[i], 7, i + 1);
            }

            writer.Complete();
        }

        Assert.Equal(Convert.ToHexString(expected.ToArray()), Convert.ToHexString(chunked.ToArray()));
        // Only the long values' bytes go past a chunk, each in one write of its own.
        Assert.Equal(new[] { 70_000, 60_000 }.Where(w => w > chunkBytes), chunked.Writes.Where(w => w > chunkBytes));
        // A chunk is sent when the next field does not fit, so chunks are full up to the largest field reserved (a
        // 300-character text reserves 3 bytes a character).
        var partial = chunked.Writes.SkipLast(1).Where(w => w <= chunkBytes && w < chunkBytes - 4 - 3 * 300).Count();
        Assert.True(partial <= 4, $"{partial} chunks well below {chunkBytes} bytes");
    }

    private static byte[] Encode(decimal value) => Encode(ColumnType.Numeric, value);

    /// <summary>The value's field (without its length) as the writer puts it in a one-column row.</summary>
    private static byte[] Encode(ColumnType type, object value)
    {
        using var stream = new MemoryStream();
        var writer = new BinaryCopyWriter(stream);
        writer.WriteRow([type], [value], 1, 1);
        writer.Complete();
        var bytes = stream.ToArray();
        int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(FirstField));
        return bytes.AsSpan(FirstField + sizeof(int), length).ToArray();
    }

    /// <summary>Writes every valid row twice: from its cells, and from its boxed values.</summary>
    private sealed class TwoWaySink(ColumnType[] types) : IRowSink, IDisposable
    {
        private readonly MemoryStream _cells = new();
        private readonly MemoryStream _values = new();
        private BinaryCopyWriter? _cellWriter;
        private BinaryCopyWriter? _valueWriter;

        public long Rows { get; private set; }

        public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken)
        {
            (_cellWriter ??= new BinaryCopyWriter(_cells)).WriteRow(types, row, 7, row.Line);
            (_valueWriter ??= new BinaryCopyWriter(_values)).WriteRow(types, row.Values, 7, row.Line);
            Rows++;
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void Dispose()
        {
            _cells.Dispose();
            _values.Dispose();
        }

        public (byte[] Cells, byte[] Values) Complete()
        {
            _cellWriter?.Complete();
            _valueWriter?.Complete();
            return (_cells.ToArray(), _values.ToArray());
        }
    }

    /// <summary>A memory stream that remembers the length of every write it was handed.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes.Add(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes.Add(buffer.Length);
            // MemoryStream's span overload would come back through the array overload above for a derived type.
            base.Write(buffer.ToArray(), 0, buffer.Length);
        }
    }
}
