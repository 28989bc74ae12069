using Parquet;
using Parquet.Schema;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// A Parquet file's rows, one row group in memory at a time: each group's columns are read whole (that is how
/// Parquet stores them), then handed on row by row. Memory is bounded by the largest row group, not the file.
/// </summary>
internal sealed class ParquetRecordSource : IRecordSource
{
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private readonly object?[][] _columns;
    private ParquetRowGroupReader? _group;
    private int _groupIndex = -1;
    private long _groupRows;
    private long _inGroup;

    private ParquetRecordSource(ParquetReader reader, DataField[] fields)
    {
        _reader = reader;
        _fields = fields;
        _columns = new object?[fields.Length][];
        Labels = fields.Select(f => f.Name).ToArray();
        Origin = GroupRanges(reader);
    }

    public IReadOnlyList<string>? Labels { get; }

    public int Count => _fields.Length;

    public long Line { get; private set; }

    public string Origin { get; }

    /// <summary>Reads the footer (schema and row groups); a nested or repeated column refuses the file.</summary>
    public static async Task<ParquetRecordSource> OpenAsync(Stream input, CancellationToken cancellationToken)
    {
        ParquetReader reader;
        try
        {
            var options = new ParquetOptions { UseDateOnlyTypeForDates = true, TreatByteArrayAsString = true };
            reader = await ParquetReader.CreateAsync(input, options, leaveStreamOpen: true, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new TabularFormatException($"the Parquet file cannot be read: {e.Message}", e);
        }
        var nested = reader.Schema.Fields.Where(f => f is not DataField || ((DataField)f).IsArray).Select(f => f.Name).ToList();
        if (nested.Count > 0)
        {
            await reader.DisposeAsync();
            throw new TabularFormatException(
                $"the Parquet file has nested or repeated column(s) {string.Join(", ", nested)}; txetl reads flat columns only (one value per row and column)");
        }
        return new ParquetRecordSource(reader, reader.Schema.GetDataFields());
    }

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (_inGroup >= _groupRows)
        {
            if (_groupIndex + 1 >= _reader.RowGroupCount)
            {
                return false;
            }
            await LoadGroupAsync(_groupIndex + 1, cancellationToken);
        }
        _inGroup++;
        Line++;
        return true;
    }

    public object? Value(int column) => _columns[column][_inGroup - 1];

    public void Dispose()
    {
        _group?.Dispose();
        // ParquetReader is only IAsyncDisposable; its disposal does not block (the stream is left open).
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>"2 row group(s): 0 = rows 1-65536, 1 = rows 65537-70000", the first few listed: a line's group, found without a per-row field.</summary>
    private static string GroupRanges(ParquetReader reader)
    {
        const int Listed = 8;
        var ranges = new List<string>();
        long first = 1;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            long rows = reader.RowGroups[g].RowCount;
            if (g < Listed)
            {
                ranges.Add($"{g} = rows {first}-{first + rows - 1}");
            }
            first += rows;
        }
        string more = reader.RowGroupCount > Listed ? $", and {reader.RowGroupCount - Listed} more" : "";
        return $"{reader.RowGroupCount} row group(s): {string.Join(", ", ranges)}{more}";
    }

    private async Task LoadGroupAsync(int index, CancellationToken cancellationToken)
    {
        _group?.Dispose();
        // Released before the next group is read, so that two groups are never held at once.
        Array.Clear(_columns);
        _group = _reader.OpenRowGroupReader(index);
        _groupIndex = index;
        _groupRows = _group.RowCount;
        _inGroup = 0;
        for (int c = 0; c < _fields.Length; c++)
        {
            _columns[c] = await ParquetColumns.ReadAsync(_group, _fields[c], checked((int)_groupRows), cancellationToken);
        }
    }
}
