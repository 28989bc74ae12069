using System.Text;

namespace TransactionEtl.Core.Tests.Hostile;

/// <summary>
/// Big hostile inputs made at test time instead of committed: a stream that yields a prefix, then one byte repeated
/// N times, then a suffix, without ever holding the whole input (so the allocation check measures the engine alone).
/// </summary>
internal static class HostileInputs
{
    public static Stream Open(HostileCase c)
    {
        if (c.File is not null)
        {
            return new MemoryStream(File.ReadAllBytes(Path.Combine(HostileManifest.Directory, c.File)));
        }
        var g = c.Generate ?? throw new InvalidOperationException($"{c.Name}: neither file nor generate");
        string valid = Engine.Row(id: "TX-2");
        return g.Kind switch
        {
            // One quoted merchant of Size bytes, then a valid row.
            "big-field" => new RepeatStream(Engine.Header + "\n" + "TX-1,2024-03-01,ACC-1,\"", (byte)'x', g.Size,
                "\",groceries,10.00,EUR,DE,,\n" + valid + "\n"),
            // A header of Size columns, none of them known.
            "wide-header" => new RepeatStream("c", null, 0, Columns("c", (int)g.Size - 1) + "\n" + valid + "\n"),
            // A header of Size columns all named the same (duplicate-label with a bounded message).
            "wide-duplicate-header" => new RepeatStream("dup", null, 0, string.Concat(Enumerable.Repeat(",dup", (int)g.Size - 1)) + "\n"),
            // The standard header plus Size - 10 unknown columns, and rows as wide.
            "wide-header-with-required" => new RepeatStream(Engine.Header + Columns("x", (int)g.Size - 10) + "\n",
                null, 0, valid + new string(',', (int)g.Size - 10) + "\n" + Engine.Row(id: "TX-3", amount: "bad") + new string(',', (int)g.Size - 10) + "\n"),
            // A data row of Size delimiters (the CSV reader's field table has to grow to Size entries).
            "many-delimiters" => new RepeatStream(Engine.Header + "\n" + valid + "\nTX-3", (byte)',', g.Size, "\n" + Engine.Row(id: "TX-4") + "\n"),
            // Size bytes of one line with no line break at all.
            "long-line" => new RepeatStream("", (byte)'a', g.Size, ""),
            _ => throw new InvalidOperationException($"{c.Name}: unknown generate kind {g.Kind}"),
        };
    }

    /// <summary>How the input is described in the docs table.</summary>
    public static string Describe(HostileCase c) => c.File is not null
        ? $"`{c.File}`"
        : $"generated: {c.Generate!.Kind}, {Size(c.Generate.Size, c.Generate.Kind)}";

    private static string Size(long size, string kind) => kind.StartsWith("wide", StringComparison.Ordinal)
        ? $"{size:N0} columns"
        : size % (1024 * 1024) == 0 ? $"{size / (1024 * 1024)} MiB" : $"{size:N0} bytes";

    private static string Columns(string prefix, int count)
    {
        var sb = new StringBuilder(count * 8);
        for (int i = 1; i <= count; i++)
        {
            sb.Append(',').Append(prefix).Append(i);
        }
        return sb.ToString();
    }

    private sealed class RepeatStream(string prefix, byte? fill, long fillCount, string suffix) : Stream
    {
        private readonly byte[] _prefix = Encoding.UTF8.GetBytes(prefix);
        private readonly byte[] _suffix = Encoding.UTF8.GetBytes(suffix);
        private long _position;

        private long Total => _prefix.Length + (fill is null ? 0 : fillCount) + _suffix.Length;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => Total;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int written = 0;
            long fillEnd = _prefix.Length + (fill is null ? 0 : fillCount);
            while (written < buffer.Length && _position < Total)
            {
                int n;
                if (_position < _prefix.Length)
                {
                    n = Math.Min(buffer.Length - written, _prefix.Length - (int)_position);
                    _prefix.AsSpan((int)_position, n).CopyTo(buffer[written..]);
                }
                else if (_position < fillEnd)
                {
                    n = (int)Math.Min(buffer.Length - written, fillEnd - _position);
                    buffer.Slice(written, n).Fill(fill!.Value);
                }
                else
                {
                    int at = (int)(_position - fillEnd);
                    n = Math.Min(buffer.Length - written, _suffix.Length - at);
                    _suffix.AsSpan(at, n).CopyTo(buffer[written..]);
                }
                written += n;
                _position += n;
            }
            return written;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
