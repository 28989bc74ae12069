using System.Buffers.Binary;
using System.IO.Compression;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// <see cref="GZipStream"/> reads every member of a multi-member file, but a file cut short (an upload that stopped)
/// just ends early, so its rows up to the cut would load. This checks the end instead: a gzip file ends with its last
/// member's trailer, whose ISIZE is that member's decompressed size mod 2^32, so it must equal the whole output's
/// size (one member, the usual case) or be at most it (several). Data cut mid-stream ends in arbitrary deflate bytes,
/// which pass this with a probability of about output size / 2^32.
/// </summary>
internal sealed class GzipDecoder : ReadOnlyPassThrough
{
    private readonly TailStream _stored;
    private readonly GZipStream _gzip;
    private long _bytesOut;

    public GzipDecoder(Stream stored)
    {
        _stored = new TailStream(stored);
        _gzip = new GZipStream(_stored, CompressionMode.Decompress, leaveOpen: true);
    }

    public override int Read(Span<byte> buffer) => Checked(_gzip.Read(buffer), buffer.IsEmpty);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Checked(await _gzip.ReadAsync(buffer, cancellationToken), buffer.IsEmpty);

    private int Checked(int n, bool askedNothing)
    {
        _bytesOut += n;
        if (n == 0 && !askedNothing)
        {
            uint isize = _stored.BytesRead < 8 ? uint.MaxValue : BinaryPrimitives.ReadUInt32LittleEndian(_stored.Tail[4..]);
            bool whole = isize == (uint)_bytesOut || _bytesOut >= uint.MaxValue || isize < _bytesOut;
            if (!whole)
            {
                throw new InvalidDataException("the file ends before its last gzip trailer: it was cut short");
            }
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>A pass-through that keeps the last 8 bytes read (the gzip trailer, at the end).</summary>
    private sealed class TailStream(Stream inner) : ReadOnlyPassThrough
    {
        private readonly byte[] _tail = new byte[8];
        private long _read;

        public ReadOnlySpan<byte> Tail => _tail;

        /// <summary>Bytes read so far.</summary>
        public long BytesRead => _read;

        public override int Read(Span<byte> buffer) => Keep(buffer[..inner.Read(buffer)]);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await inner.ReadAsync(buffer, cancellationToken);
            return Keep(buffer.Span[..n]);
        }

        private int Keep(ReadOnlySpan<byte> data)
        {
            _read += data.Length;
            if (data.Length >= 8)
            {
                data[^8..].CopyTo(_tail);
            }
            else if (data.Length > 0)
            {
                // Shift the older bytes left and append the new ones.
                _tail.AsSpan(data.Length).CopyTo(_tail);
                data.CopyTo(_tail.AsSpan(8 - data.Length));
            }
            return data.Length;
        }
    }
}
