using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The rest of <c>validate</c>'s duplicate check once <see cref="InFileKeys"/> has reached its memory budget: each
/// further row's key, line and (for a row that was accepted) raw record go to sorted runs in a temp file, and
/// <see cref="Resolve"/> merges the runs to find the rows that repeat an earlier accepted row's key.
/// </summary>
/// <remarks>
/// A run is the records of a fixed-size buffer sorted by the key's 64-bit hash (file order within a hash), so the
/// merge meets each hash's records together and in file order. Equal hashes only make a group: the keys themselves
/// are compared, so the check stays exact. The record keeps the key's exact text (UTF-8, or UTF-16 when it holds a surrogate) for the message; the hash
/// and the comparison use the key's UTF-8 bytes, as <see cref="InFileKeys"/> does. The raw record is stored as UTF-8,
/// or as UTF-16 when it holds a lone surrogate (UTF-8 cannot carry it). The file is deleted when this is disposed.
/// Memory: the run buffer and its index; the merge (<see cref="SpilledRunMerge"/>) reuses the run buffer, reading at
/// most <see cref="FanIn"/> runs at once, so nothing here grows with the file.
/// </remarks>
internal sealed class SpilledKeys : IDisposable
{
    // hash, line, key length (bytes), raw length (bytes, -1: the row was rejected), encodings (bit 0: the raw record is
    // UTF-16, else UTF-8; bit 1: the key is UTF-16, else UTF-8). UTF-8 keys: 12 bytes less a record for a 12-char id.
    internal const int HeaderBytes = 8 + 8 + 4 + 4 + 1;
    // 2 MiB, not 4: the buffer lives next to the full key set, and at 1M rows validate's peak RSS sat at the issue's
    // 64 MB line; 2 MiB less costs no CPU at 1M (a few more runs, no intermediate merge).
    private const int RunBytes = 2 << 20;
    // 255 runs are merged at once through 8 KiB slices of the 2 MiB run buffer (the old merge's buffer per run): no
    // intermediate merge up to ~3.7M spilled rows (a run holds ~15k). Fan-in 64 (64 KiB slices of a 4 MiB buffer)
    // copied ~80 % of a 10M-row file's spill once more (temp file 1.2 -> 2.1 GB).
    private const int FanIn = 255;

    private readonly FileStream _file;
    private readonly Func<ulong, ulong>? _remapHash;
    private readonly List<(long Start, long Length)> _runs = [];
    private readonly int _runBytes;
    private readonly int _fanIn;
    private byte[] _buffer;
    private int _used;
    private (ulong Hash, int Offset)[] _index = new (ulong, int)[4096];
    private int _records;
    private byte[] _utf8 = new byte[256];

    public SpilledKeys(Func<ulong, ulong>? remapHash)
        : this(remapHash, RunBytes, FanIn)
    {
    }

    /// <summary>
    /// For tests: small runs and a small fan-in, so that a small file makes many runs and intermediate merges; a
    /// directory of their own, so that tests counting the temp files in the shared one see none of these.
    /// </summary>
    internal SpilledKeys(Func<ulong, ulong>? remapHash, int runBytes, int fanIn, string? directory = null)
    {
        _remapHash = remapHash;
        _runBytes = runBytes;
        _fanIn = fanIn;
        _buffer = new byte[runBytes];
        FilePath = Path.Combine(directory ?? Path.GetTempPath(), $"txetl-keys-{Guid.NewGuid():N}.tmp");
        _file = new FileStream(FilePath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 << 10, FileOptions.DeleteOnClose);
    }

    /// <summary>Receives a row that repeats the key of an earlier accepted row: its line, key, the earlier row's line, and its raw record if it was accepted.</summary>
    public delegate void RepeatHandler(long line, string key, long firstLine, string? acceptedRaw);

    /// <summary>The temp file (for tests: it must be gone after the run).</summary>
    internal string FilePath { get; }

    /// <summary>The runs written to the file before the merge.</summary>
    internal int RunCount => _runs.Count;

    /// <summary>The last merge (for tests: how many runs it read at once, how many intermediate runs it wrote).</summary>
    internal SpilledRunMerge? LastMerge { get; private set; }

    /// <summary>Stores a row's key; <paramref name="accepted"/> rows keep their raw record, for the reject they may become.</summary>
    public void Add(string key, long line, ReadOnlySpan<char> raw, bool accepted)
    {
        ulong hash = Hash(key, out int keyUtf8);
        // A key with a surrogate is kept as UTF-16: a lone one would not survive UTF-8, and the message shows the key as it was.
        bool keyAsUtf16 = key.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;
        int keyBytes = keyAsUtf16 ? 2 * key.Length : keyUtf8;
        int rawMax = accepted ? raw.Length * 3 : 0;
        long size = HeaderBytes + (long)keyBytes + rawMax;
        if (_used + size > _buffer.Length)
        {
            Flush();
            if (size > _buffer.Length)
            {
                // A record larger than a run (a huge raw record) is a run of its own.
                _buffer = new byte[size];
            }
        }
        var record = _buffer.AsSpan(_used);
        BinaryPrimitives.WriteUInt64LittleEndian(record, hash);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], line);
        BinaryPrimitives.WriteInt32LittleEndian(record[16..], keyBytes);
        (keyAsUtf16 ? MemoryMarshal.AsBytes(key.AsSpan()) : _utf8.AsSpan(0, keyUtf8)).CopyTo(record[HeaderBytes..]);
        var rawBytes = record[(HeaderBytes + keyBytes)..];
        int rawLength = -1;
        byte encoding = keyAsUtf16 ? (byte)2 : (byte)0;
        if (accepted)
        {
            if (Utf8.FromUtf16(raw, rawBytes, out _, out rawLength, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
            {
                encoding |= 1;
                rawLength = raw.Length * 2;
                MemoryMarshal.AsBytes(raw).CopyTo(rawBytes);
            }
        }
        BinaryPrimitives.WriteInt32LittleEndian(record[20..], rawLength);
        record[24] = encoding;
        if (_records == _index.Length)
        {
            Array.Resize(ref _index, _index.Length * 2);
        }
        _index[_records++] = (hash, _used);
        _used += HeaderBytes + keyBytes + Math.Max(rawLength, 0);
    }

    /// <summary>Merges the runs and calls <paramref name="onRepeat"/> for each row whose key an earlier accepted row had, in no particular order.</summary>
    public void Resolve(RepeatHandler onRepeat, CancellationToken cancellationToken)
    {
        Flush();
        _index = [];
        _file.Flush();
        var merge = new SpilledRunMerge(_file.SafeFileHandle, _file.Length, _buffer, _fanIn);
        _buffer = [];
        LastMerge = merge;
        var group = new List<(string Key, long Line, string? Raw)>();
        ulong groupHash = 0;
        merge.Merge(_runs, reader =>
        {
            if (group.Count > 0 && reader.Hash != groupHash)
            {
                Decide(group, onRepeat);
                group.Clear();
            }
            groupHash = reader.Hash;
            group.Add(reader.Current());
        }, cancellationToken);
        Decide(group, onRepeat);
    }

    public void Dispose() => _file.Dispose();

    /// <summary>One hash's records in file order: the first accepted row of each key wins, and every later row with that key repeats it.</summary>
    private static void Decide(List<(string Key, long Line, string? Raw)> group, RepeatHandler onRepeat)
    {
        if (group.Count < 2)
        {
            return;
        }
        var winners = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, line, raw) in group)
        {
            string same = ComparedAs(key);
            if (winners.TryGetValue(same, out long firstLine))
            {
                onRepeat(line, key, firstLine, raw);
            }
            else if (raw is not null)
            {
                winners.Add(same, line);
            }
        }
    }

    /// <summary>The key as its UTF-8 bytes see it (a lone surrogate becomes U+FFFD), so that keys equal as InFileKeys compares them are equal here.</summary>
    private static string ComparedAs(string key) =>
        key.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 ? key : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(key));

    /// <summary>Writes the buffered records to the file as one run, sorted by hash and then by file order.</summary>
    private void Flush()
    {
        if (_records == 0)
        {
            return;
        }
        Array.Sort(_index, 0, _records);
        long start = _file.Position;
        for (int r = 0; r < _records; r++)
        {
            int at = _index[r].Offset;
            _file.Write(_buffer, at, RecordSize(_buffer.AsSpan(at)));
        }
        _runs.Add((start, _file.Position - start));
        _records = 0;
        _used = 0;
        if (_buffer.Length > _runBytes)
        {
            _buffer = new byte[_runBytes];
        }
    }

    internal static int RecordSize(ReadOnlySpan<byte> record) =>
        HeaderBytes + BinaryPrimitives.ReadInt32LittleEndian(record[16..]) + Math.Max(BinaryPrimitives.ReadInt32LittleEndian(record[20..]), 0);

    /// <summary>The key's hash, from its UTF-8 bytes, which it leaves in <see cref="_utf8"/>.</summary>
    private ulong Hash(string key, out int utf8Length)
    {
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (max > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }
        utf8Length = Encoding.UTF8.GetBytes(key, _utf8);
        ulong hash = XxHash3.HashToUInt64(_utf8.AsSpan(0, utf8Length));
        return _remapHash is null ? hash : _remapHash(hash);
    }
}
