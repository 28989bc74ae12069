using Microsoft.Win32.SafeHandles;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// Merges <see cref="SpilledKeys"/>'s sorted runs with a bounded fan-in: at most <c>fanIn</c> runs are read at once,
/// each through a fixed slice of one buffer, so the merge's memory does not grow with the number of runs (it was a
/// 16 KiB buffer per run, ~0.5 MiB per million spilled rows).
/// </summary>
/// <remarks>
/// With more runs than the fan-in, the smallest runs are first merged into new runs at the end of the temp file
/// until at most <c>fanIn</c> are left; the first of these merges takes just enough runs that every later one
/// takes <c>fanIn</c> (a Huffman-like plan: fewest bytes copied). Runs are ordered by (hash, line), and a line is
/// unique to a row, so merging any runs in any grouping keeps each hash's records in file order.
/// </remarks>
internal sealed class SpilledRunMerge
{
    private readonly SafeFileHandle _file;
    private readonly byte[] _buffer;
    private readonly int _fanIn;
    private readonly int _slice;
    private long _end;

    /// <param name="file">The temp file, its runs written and flushed.</param>
    /// <param name="end">The file's length: intermediate runs are written from here on.</param>
    /// <param name="buffer">The memory the merge may use: <paramref name="fanIn"/> read slices and one write slice.</param>
    /// <param name="fanIn">The most runs read at once (at least 2).</param>
    public SpilledRunMerge(SafeFileHandle file, long end, byte[] buffer, int fanIn)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 2);
        _file = file;
        _end = end;
        _fanIn = fanIn;
        _slice = Math.Max(buffer.Length / (fanIn + 1), SpilledKeys.HeaderBytes);
        // A buffer too small for a header per slice (only tests make one) is replaced, not overrun.
        _buffer = buffer.Length >= (fanIn + 1) * _slice ? buffer : new byte[(fanIn + 1) * _slice];
    }

    /// <summary>Receives each record in (hash, line) order.</summary>
    public delegate void RecordHandler(SpilledRunReader reader);

    /// <summary>The most runs read at once so far (for tests: it must stay at most the fan-in).</summary>
    public int PeakOpenRuns { get; private set; }

    /// <summary>The intermediate merges done (for tests and the docs' figures).</summary>
    public int IntermediateMerges { get; private set; }

    /// <summary>Merges every run, through intermediate runs when there are more than the fan-in, and hands each record to <paramref name="onRecord"/> in (hash, line) order.</summary>
    public void Merge(IReadOnlyList<(long Start, long Length)> runs, RecordHandler onRecord, CancellationToken cancellationToken)
    {
        var left = runs.ToList();
        while (left.Count > _fanIn)
        {
            int take = IntermediateMerges == 0 ? ((left.Count - 2) % (_fanIn - 1)) + 2 : _fanIn;
            left.Sort((a, b) => a.Length.CompareTo(b.Length));
            var smallest = left.GetRange(0, take);
            left.RemoveRange(0, take);
            left.Add(MergeIntoNewRun(smallest, cancellationToken));
            IntermediateMerges++;
        }
        MergeRuns(left, onRecord, cancellationToken);
    }

    private (long Start, long Length) MergeIntoNewRun(List<(long Start, long Length)> runs, CancellationToken cancellationToken)
    {
        long start = _end;
        int at = _fanIn * _slice;
        int used = 0;
        MergeRuns(runs, reader =>
        {
            var record = reader.Record;
            if (used + record.Length > _slice)
            {
                Write(_buffer.AsSpan(at, used));
                used = 0;
            }
            if (record.Length > _slice)
            {
                Write(record);
            }
            else
            {
                record.CopyTo(_buffer.AsSpan(at + used));
                used += record.Length;
            }
        }, cancellationToken);
        Write(_buffer.AsSpan(at, used));
        return (start, _end - start);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        RandomAccess.Write(_file, bytes, _end);
        _end += bytes.Length;
    }

    /// <summary>One k-way merge of at most the fan-in runs, each read through its own slice of the buffer.</summary>
    private void MergeRuns(List<(long Start, long Length)> runs, RecordHandler onRecord, CancellationToken cancellationToken)
    {
        PeakOpenRuns = Math.Max(PeakOpenRuns, runs.Count);
        var readers = new SpilledRunReader[runs.Count];
        var queue = new PriorityQueue<int, (ulong, long)>(runs.Count);
        for (int i = 0; i < runs.Count; i++)
        {
            var slice = new ArraySegment<byte>(_buffer, i * _slice, _slice);
            readers[i] = new SpilledRunReader(_file, runs[i].Start, runs[i].Start + runs[i].Length, slice);
            if (readers[i].MoveNext())
            {
                queue.Enqueue(i, (readers[i].Hash, readers[i].Line));
            }
        }
        long steps = 0;
        while (queue.TryDequeue(out int i, out _))
        {
            if ((++steps & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            var reader = readers[i];
            onRecord(reader);
            if (reader.MoveNext())
            {
                queue.Enqueue(i, (reader.Hash, reader.Line));
            }
        }
    }
}
