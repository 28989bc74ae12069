using System.Text;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// <see cref="Utf8TextReader"/> against the StreamReader it replaces (UTF-8 that throws on bad bytes, no detection), read
/// by read: the same characters for every request, and the same reads of the stream at the same points, with chunks
/// that cut multi-byte sequences and surrogate pairs, short reads, a BOM, part of one, or none.
/// </summary>
public class Utf8TextReaderTests
{
    [Theory]
    [InlineData(128, 1)]
    [InlineData(131, 2)]
    [InlineData(200, 3)]
    [InlineData(4096, 4)]
    public async Task Reads_what_StreamReader_reads_request_by_request(int bufferSize, int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < 150; n++)
        {
            await CompareAsync(RandomBytes(random), bufferSize, random.Next());
        }
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF })]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x61 })]
    [InlineData(new byte[] { 0x61, 0xEF, 0xBB, 0xBF, 0x0A })]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98, 0x80 })]
    [InlineData(new byte[] { 0xC3, 0xA9, 0x0A, 0xE2, 0x82, 0xAC })]
    public async Task Reads_short_texts_and_a_bom_as_StreamReader_does(byte[] bytes)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            await CompareAsync(bytes, 128, seed);
        }
    }

    [Fact]
    public void Refuses_bytes_that_are_not_utf8_as_StreamReader_does()
    {
        byte[] bytes = [0x61, 0x62, 0xC3, 0x28, 0x0A];
        var buffer = new char[64];
        using var expected = new StreamReader(new MemoryStream(bytes), Utf8(), false, 128, leaveOpen: false);
        using var actual = new Utf8TextReader(new MemoryStream(bytes), 128);
        Assert.Throws<DecoderFallbackException>(() => expected.Read(buffer, 0, buffer.Length));
        Assert.Throws<DecoderFallbackException>(() => actual.Read(buffer, 0, buffer.Length));
    }

    private static UTF8Encoding Utf8() => new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>Valid UTF-8 of 1- to 4-byte characters, long ASCII runs among them; a BOM or part of one in front, now and then.</summary>
    private static byte[] RandomBytes(Random random)
    {
        string[] pieces = ["a", "bcd,", "\n", "\r\n", "é", "ü", "€", "銀座店", "😀", "𝄞x", "0123456789012345678901234567890123456789"];
        var text = new StringBuilder();
        int length = random.Next(0, 120);
        for (int i = 0; i < length; i++)
        {
            text.Append(random.Next(3) == 0 ? pieces[random.Next(pieces.Length)] : pieces[random.Next(4)]);
        }
        var bytes = new List<byte>();
        switch (random.Next(4))
        {
            case 0:
                bytes.AddRange([0xEF, 0xBB, 0xBF]);
                break;
            case 1:
                // The BOM's first byte that turns out to lead another character.
                text.Insert(0, 'ﻯ');
                break;
        }
        bytes.AddRange(Encoding.UTF8.GetBytes(text.ToString()));
        return bytes.ToArray();
    }

    /// <summary>
    /// Reads <paramref name="bytes"/> through both with the same requests (async and sync reads of random sizes, and
    /// peeks) over streams that give the same random short reads; every answer and the reads' log must agree.
    /// </summary>
    private static async Task CompareAsync(byte[] bytes, int bufferSize, int seed)
    {
        var expectedStream = new ChoppyStream(bytes, seed);
        var actualStream = new ChoppyStream(bytes, seed);
        using var expected = new StreamReader(expectedStream, Utf8(), detectEncodingFromByteOrderMarks: false, bufferSize, leaveOpen: true);
        using var actual = new Utf8TextReader(actualStream, bufferSize);
        var requests = new Random(seed);
        string input = Convert.ToHexString(bytes);
        var trace = new StringBuilder();
        for (int call = 0; call < 10_000; call++)
        {
            int kind = requests.Next(8);
            if (kind == 0)
            {
                Assert.True(expected.Peek() == actual.Peek(), $"{input}: peek {call}");
                Assert.True(expectedStream.Log.SequenceEqual(actualStream.Log), $"{input}: {trace} peek {call}: reads {string.Join(" ", expectedStream.Log)} / {string.Join(" ", actualStream.Log)}");
                continue;
            }
            // Mostly the CSV reader's way (a large request), now and then a few characters.
            int size = requests.Next(3) == 0 ? requests.Next(1, 4) : requests.Next(1, 3 * bufferSize);
            var want = new char[size];
            var got = new char[size];
            int wantCount = kind < 5 ? await expected.ReadAsync(want.AsMemory()) : expected.Read(want.AsSpan());
            int gotCount = kind < 5 ? await actual.ReadAsync(got.AsMemory()) : actual.Read(got.AsSpan());
            trace.Append($" {kind}/{size}->{wantCount}");
            Assert.True(wantCount == gotCount, $"{input}: call {call} ({size}): {wantCount} chars expected, {gotCount} read");
            Assert.True(want.AsSpan(0, wantCount).SequenceEqual(got.AsSpan(0, gotCount)), $"{input}: call {call}: other chars");
            Assert.True(expectedStream.Log.SequenceEqual(actualStream.Log), $"{input}: call {call} kind {kind} size {size} -> {wantCount}: reads {string.Join(" ", expectedStream.Log)} / {string.Join(" ", actualStream.Log)}");
            if (wantCount == 0 && expectedStream.AtEnd)
            {
                return;
            }
        }
    }

    /// <summary>A stream over bytes that answers each read with a random share of the request (now and then all of it), and logs the reads.</summary>
    private sealed class ChoppyStream(byte[] bytes, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private int _position;

        public List<string> Log { get; } = [];

        public bool AtEnd => _position == bytes.Length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(bytes.Length - _position, _random.Next(2) == 0 ? buffer.Length : _random.Next(1, buffer.Length + 1));
            bytes.AsSpan(_position, n).CopyTo(buffer);
            Log.Add($"{_position}+{n}/{buffer.Length}");
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
