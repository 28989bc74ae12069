using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A read-only pass-through over the input that, in the same single pass, hashes the bytes (SHA-256), counts them,
/// reports progress and (for UTF-8 files) checks that they are valid UTF-8, naming the byte offset and line of the
/// first bad byte. The decoder downstream would replace bad bytes silently; checking here is what lets the file be
/// rejected instead. Holds at most 3 carried bytes between reads. For compressed input there are two: one over the
/// stored bytes (hash, count, progress: the ledger identity is what was sent) and one over the decompressed bytes
/// (the UTF-8 check, whose offsets and lines are then those of the text), which does not hash.
/// </summary>
internal sealed class TrackingStream : Stream
{
    // Bytes kept either side of the first bad one, for the encoding guess (EncodingErrorException.Context).
    private const int ContextBytes = 64;

    private readonly Stream _inner;
    private readonly bool _validateUtf8;
    private readonly Action<long>? _progress;
    private readonly IncrementalHash? _hash;
    private readonly byte[] _carry = new byte[4];
    private int _carryLength;
    private long _carryOffset;
    private long _lineBreaks;
    private bool _eof;

    public TrackingStream(Stream inner, bool validateUtf8, Action<long>? progress, bool hash = true)
    {
        _inner = inner;
        _hash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        _validateUtf8 = validateUtf8;
        _progress = progress;
    }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    /// <summary>The lower-case hex SHA-256 of all bytes read; call once, after the end was reached.</summary>
    public string HashHex() => Convert.ToHexStringLower(_hash!.GetHashAndReset());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        Track(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _inner.ReadAsync(buffer, cancellationToken);
        Track(buffer.Span[..n]);
        return n;
    }

    /// <summary>Reads the rest of the input (after a file-level error) so that hash and byte count cover the whole file.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = await _inner.ReadAsync(buffer, cancellationToken)) > 0)
            {
                _hash?.AppendData(buffer, 0, n);
                BytesRead += n;
                _progress?.Invoke(BytesRead);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Track(ReadOnlySpan<byte> data)
    {
        long start = BytesRead;
        _hash?.AppendData(data);
        BytesRead += data.Length;
        _progress?.Invoke(BytesRead);
        if (!_validateUtf8)
        {
            return;
        }
        if (data.IsEmpty)
        {
            if (!_eof && _carryLength > 0)
            {
                _eof = true;
                throw Invalid(_carryOffset, _lineBreaks, $"the file ends inside a multi-byte sequence (0x{Convert.ToHexString(_carry, 0, _carryLength)})");
            }
            _eof = true;
            return;
        }
        int i = 0;
        if (_carryLength > 0)
        {
            int expected = SequenceLength(_carry[0]);
            while (_carryLength < expected && i < data.Length)
            {
                _carry[_carryLength++] = data[i++];
            }
            if (_carryLength < expected)
            {
                return;
            }
            if (Rune.DecodeFromUtf8(_carry.AsSpan(0, _carryLength), out _, out _) != System.Buffers.OperationStatus.Done)
            {
                throw Invalid(_carryOffset, _lineBreaks, $"bad sequence 0x{Convert.ToHexString(_carry, 0, _carryLength)}");
            }
            _carryLength = 0;
        }
        var rest = data[i..];
        int tail = IncompleteTail(rest);
        var body = rest[..^tail];
        if (!Utf8.IsValid(body))
        {
            int at = FirstInvalid(body);
            long lineBreaks = _lineBreaks + body[..at].Count((byte)'\n');
            int len = Math.Min(4, body.Length - at);
            throw new EncodingErrorException(start + i + at, lineBreaks + 1, $"bad sequence starting 0x{Convert.ToHexString(body.Slice(at, len))}", Context(body, at));
        }
        _lineBreaks += body.Count((byte)'\n');
        rest[^tail..].CopyTo(_carry);
        _carryLength = tail;
        _carryOffset = start + data.Length - tail;
    }

    /// <summary>
    /// The bytes around the bad one at <paramref name="at"/>, from its line's start where the chunk has it:
    /// FileDiagnosis reads them to name the likely encoding when the first bad byte lies past the prefix it looked at.
    /// </summary>
    private static byte[] Context(ReadOnlySpan<byte> body, int at)
    {
        int from = Math.Max(body[..at].LastIndexOf((byte)'\n') + 1, at - ContextBytes);
        while (from < at && (body[from] & 0xC0) == 0x80)
        {
            from++; // not from the middle of a character
        }
        return body[from..Math.Min(body.Length, at + ContextBytes)].ToArray();
    }

    private static EncodingErrorException Invalid(long offset, long lineBreaks, string detail) => new(offset, lineBreaks + 1, detail);

    /// <summary>Expected length of a sequence from its lead byte (1 for bytes that cannot lead, so they fail the check).</summary>
    private static int SequenceLength(byte lead) => lead switch
    {
        >= 0xF0 and <= 0xF4 => 4,
        >= 0xE0 and <= 0xEF => 3,
        >= 0xC2 and <= 0xDF => 2,
        _ => 1,
    };

    /// <summary>Number of trailing bytes that start a multi-byte sequence the chunk does not finish.</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> data)
    {
        for (int k = 1; k <= Math.Min(3, data.Length); k++)
        {
            byte b = data[^k];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }
            return SequenceLength(b) > k ? k : 0;
        }
        return 0;
    }

    private static int FirstInvalid(ReadOnlySpan<byte> data)
    {
        int at = 0;
        while (at < data.Length)
        {
            if (Rune.DecodeFromUtf8(data[at..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return at;
            }
            at += consumed;
        }
        return at;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash?.Dispose();
        }
        base.Dispose(disposing);
    }
}
