using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The text of a UTF-8 input as <see cref="StreamReader"/> gives it (a UTF-8 BOM stripped, no other detection, the
/// same reads of the stream and the same characters per request), decoded straight into the caller's buffer.
/// </summary>
/// <remarks>
/// <para>Why not StreamReader: its ReadAsync decodes every chunk into a char buffer of its own and copies from there
/// (it decodes into the caller's buffer only for a request of at least a whole chunk's worth, 65,537 characters, more
/// than the CSV reader asks for), ~165 Ir/row of memmove in callgrind (session 14); and its transcoder, once it has met
/// a non-ASCII byte in a chunk, walks the rest of it a few bytes a step (183 Ir/row with ~8 % of the rows non-ASCII).
/// Here the ASCII runs are widened by <see cref="Ascii.ToUtf16(ReadOnlySpan{byte}, Span{char}, out int)"/>'s vector
/// loop, and only each run of non-ASCII bytes goes through <see cref="Utf8.ToUtf16"/>.</para>
/// <para>Same reads, same answers: the stream is read in chunks of the buffer's size at exactly the points where
/// StreamReader reads (when the decoded characters are used up and the request is not yet filled; a short read ends
/// the request; a chunk that yields no character is followed by another read), and every request is answered with
/// the number of characters StreamReader gives. So the CSV reader's buffer fills, and the read on which
/// <see cref="TrackingStream"/> throws an encoding error, are what they were. Utf8TextReaderTests compares the two
/// read by read.</para>
/// <para>The bytes have passed TrackingStream's UTF-8 check before they get here; should an invalid one arrive all
/// the same, the throwing UTF-8 decoder StreamReader was given is asked, so the exception is the one it threw.</para>
/// </remarks>
internal sealed class Utf8TextReader : TextReader
{
    private static readonly UTF8Encoding Throwing = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly byte[] _bytes;
    // The last chunk's bytes not decoded yet; only whole sequences (a sequence cut by the chunk's end is in _cut).
    private int _byteStart;
    private int _byteLength;
    // Whether the BOM may still be ahead, and how many of its bytes have been matched (StreamReader's preamble check).
    private bool _checkPreamble = true;
    private int _preambleMatched;
    // The last read returned fewer bytes than asked for: StreamReader then ends the request.
    private bool _isBlocked;
    private readonly byte[] _cut = new byte[4];
    private int _cutLength;
    // Characters decoded but not handed on: a sequence completed across chunks, or the low half of a surrogate pair
    // whose high half filled the caller's buffer.
    private readonly char[] _pending = new char[2];
    private int _pendingStart;
    private int _pendingEnd;

    public Utf8TextReader(Stream stream, int bufferSize)
    {
        _stream = stream;
        _bytes = new byte[bufferSize];
    }

    private enum Chunk
    {
        Chars,
        None,
        End,
    }

    private bool HasChars => _pendingStart < _pendingEnd || _byteStart < _byteLength;

    public override int Peek()
    {
        // As StreamReader's Peek in .NET 10: it reads on even after a short read.
        if (!HasChars && !FillSync(userBuffer: -1))
        {
            return -1;
        }
        if (_pendingStart == _pendingEnd)
        {
            // Held back as pending, so that the next read still hands it on first (with the low half of a pair
            // that DecodeBytes left pending behind it).
            Span<char> first = stackalloc char[1];
            DecodeBytes(first);
            bool low = _pendingStart < _pendingEnd;
            _pending[1] = _pending[0];
            _pending[0] = first[0];
            _pendingStart = 0;
            _pendingEnd = low ? 2 : 1;
        }
        return _pending[_pendingStart];
    }

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    /// <summary>As StreamReader's synchronous read (ReadSpan): a chunk is read whenever the decoded text is used up.</summary>
    public override int Read(Span<char> buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            if (!HasChars && !FillSync(buffer.Length - read))
            {
                break;
            }
            read += Decode(buffer[read..]);
            if (_isBlocked)
            {
                break;
            }
        }
        return read;
    }

    public override Task<int> ReadAsync(char[] buffer, int index, int count) =>
        ReadAsync(buffer.AsMemory(index, count)).AsTask();

    /// <summary>
    /// As StreamReader's ReadAsync: with nothing decoded left, a first chunk (an empty stream answers 0); then
    /// characters until the request is filled, reading further chunks unless the last read was short.
    /// </summary>
    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!HasChars && !await FillAsync(atEnd: false, cancellationToken))
        {
            return 0;
        }
        int read = 0;
        while (read < buffer.Length)
        {
            if (!HasChars && !await FillAsync(atEnd: true, cancellationToken))
            {
                break;
            }
            read += Decode(buffer.Span[read..]);
            if (_isBlocked)
            {
                break;
            }
        }
        return read;
    }

    /// <summary>Reads chunks until one yields a character (true) or the stream ends (false); a short read at the end marks the reader blocked when <paramref name="atEnd"/> (as StreamReader's read loop, not its first fill).</summary>
    private async ValueTask<bool> FillAsync(bool atEnd, CancellationToken cancellationToken)
    {
        while (true)
        {
            int offset = ReadOffset();
            int n = await _stream.ReadAsync(_bytes.AsMemory(offset), cancellationToken);
            switch (TakeChunk(offset, n))
            {
                case Chunk.Chars:
                    return true;
                case Chunk.End:
                    _isBlocked |= atEnd;
                    return false;
            }
        }
    }

    /// <summary>
    /// The synchronous fill; <paramref name="userBuffer"/> is the room left in the caller's buffer, or -1 from Peek. As
    /// StreamReader's ReadBuffer: a chunk that decodes to at least that room clears the blocked mark.
    /// </summary>
    private bool FillSync(int userBuffer)
    {
        while (true)
        {
            int offset = ReadOffset();
            int n = _stream.Read(_bytes.AsSpan(offset));
            switch (TakeChunk(offset, n))
            {
                case Chunk.Chars:
                    if (userBuffer >= 0)
                    {
                        int chars = _pendingEnd - _pendingStart + Throwing.GetCharCount(_bytes, _byteStart, _byteLength - _byteStart);
                        _isBlocked &= chars < userBuffer;
                    }
                    return true;
                case Chunk.End:
                    return false;
            }
        }
    }

    /// <summary>Where the next chunk goes: after the bytes held for the BOM check, else at the start.</summary>
    private int ReadOffset() => _checkPreamble ? _preambleMatched : 0;

    /// <summary>
    /// Takes the <paramref name="n"/> bytes just read at <paramref name="offset"/>: the BOM check, the sequence cut by
    /// the previous chunk, and the one cut by this chunk's end. Chars: something to decode; None: read again; End.
    /// </summary>
    private Chunk TakeChunk(int offset, int n)
    {
        if (n == 0)
        {
            // Bytes held for the BOM check at the end are the start of one: no character, as in StreamReader.
            _byteStart = _byteLength = 0;
            return Chunk.End;
        }
        _byteStart = 0;
        _byteLength = offset + n;
        _isBlocked = _byteLength < _bytes.Length;
        if (_checkPreamble && MatchPreamble())
        {
            return Chunk.None;
        }
        if (_cutLength > 0)
        {
            CompleteCut();
        }
        CutTail();
        return HasChars ? Chunk.Chars : Chunk.None;
    }

    /// <summary>StreamReader's preamble check: true while the bytes so far are the start of the BOM (read on); a whole BOM is skipped.</summary>
    private bool MatchPreamble()
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        int end = Math.Min(_byteLength, bom.Length);
        for (; _preambleMatched < end; _preambleMatched++)
        {
            if (_bytes[_preambleMatched] != bom[_preambleMatched])
            {
                _checkPreamble = false;
                return false;
            }
        }
        if (_preambleMatched == bom.Length)
        {
            _byteStart = bom.Length;
            _checkPreamble = false;
        }
        return _checkPreamble;
    }

    /// <summary>Completes the sequence the previous chunk's end cut, from this chunk's first bytes, into a pending character or two.</summary>
    private void CompleteCut()
    {
        int take = Math.Min(_cut.Length - _cutLength, _byteLength - _byteStart);
        Span<byte> sequence = stackalloc byte[_cut.Length];
        _cut.AsSpan(0, _cutLength).CopyTo(sequence);
        _bytes.AsSpan(_byteStart, take).CopyTo(sequence[_cutLength..]);
        var status = Rune.DecodeFromUtf8(sequence[..(_cutLength + take)], out var rune, out int consumed);
        if (status == OperationStatus.NeedMoreData)
        {
            // The whole chunk is inside the sequence: no character yet.
            sequence[..(_cutLength + take)].CopyTo(_cut);
            _cutLength += take;
            _byteStart += take;
            return;
        }
        if (status != OperationStatus.Done)
        {
            Throwing.GetCharCount(sequence[..(_cutLength + take)]);
        }
        _byteStart += consumed - _cutLength;
        _cutLength = 0;
        _pendingStart = 0;
        _pendingEnd = rune.EncodeToUtf16(_pending);
    }

    /// <summary>Moves a sequence cut by the chunk's end (its last 1-3 bytes) to <see cref="_cut"/>, so that the rest decodes whole.</summary>
    private void CutTail()
    {
        var bytes = _bytes.AsSpan(_byteStart, _byteLength - _byteStart);
        for (int k = 1; k <= Math.Min(3, bytes.Length); k++)
        {
            byte b = bytes[^k];
            if (b < 0x80)
            {
                return;
            }
            if (b >= 0xC0)
            {
                // A lead byte: its sequence is cut if it needs more bytes than the chunk has.
                if (Rune.DecodeFromUtf8(bytes[^k..], out _, out _) == OperationStatus.NeedMoreData)
                {
                    bytes[^k..].CopyTo(_cut);
                    _cutLength = k;
                    _byteLength -= k;
                }
                return;
            }
        }
    }

    /// <summary>Hands on the pending characters, then decodes into the rest of <paramref name="buffer"/>; returns the characters written.</summary>
    private int Decode(Span<char> buffer)
    {
        int written = 0;
        while (_pendingStart < _pendingEnd && written < buffer.Length)
        {
            buffer[written++] = _pending[_pendingStart++];
        }
        return written == buffer.Length ? written : written + DecodeBytes(buffer[written..]);
    }

    /// <summary>
    /// Decodes the chunk's bytes into <paramref name="buffer"/> until either runs out: ASCII runs widened a vector at a
    /// time, each run of non-ASCII bytes (whole sequences: it ends at an ASCII byte or at the chunk's end) transcoded.
    /// </summary>
    private int DecodeBytes(Span<char> buffer)
    {
        var bytes = _bytes.AsSpan(_byteStart, _byteLength - _byteStart);
        var rest = buffer;
        while (!bytes.IsEmpty && !rest.IsEmpty)
        {
            var status = Ascii.ToUtf16(bytes, rest, out int widened);
            bytes = bytes[widened..];
            rest = rest[widened..];
            if (status != OperationStatus.InvalidData)
            {
                break;
            }
            int run = bytes.IndexOfAnyInRange((byte)0, (byte)0x7F);
            var sequences = run < 0 ? bytes : bytes[..run];
            status = Utf8.ToUtf16(sequences, rest, out int read, out int written, replaceInvalidSequences: false);
            bytes = bytes[read..];
            rest = rest[written..];
            if (status == OperationStatus.DestinationTooSmall)
            {
                if (rest.Length == 1)
                {
                    SplitPair(ref bytes, rest);
                    rest = rest[1..];
                }
                break;
            }
            if (status != OperationStatus.Done)
            {
                Throwing.GetCharCount(sequences);
            }
        }
        _byteStart = _byteLength - bytes.Length;
        return buffer.Length - rest.Length;
    }

    /// <summary>One character of room and a surrogate pair next: its high half now, its low half pending (as StreamReader's copy splits it).</summary>
    private void SplitPair(ref Span<byte> bytes, Span<char> room)
    {
        Rune.DecodeFromUtf8(bytes, out var rune, out int consumed);
        bytes = bytes[consumed..];
        Span<char> pair = stackalloc char[2];
        rune.EncodeToUtf16(pair);
        room[0] = pair[0];
        _pending[0] = pair[1];
        _pendingStart = 0;
        _pendingEnd = 1;
    }
}
