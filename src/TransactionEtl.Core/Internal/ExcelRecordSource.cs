using System.Text;
using ExcelDataReader;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// One sheet of an .xlsx or .xls workbook, row by row. ExcelDataReader streams the sheet's XML (.xlsx) or records
/// (.xls), so memory holds one row plus the workbook's shared-string table and styles, not the sheet.
/// </summary>
internal sealed class ExcelRecordSource : IRecordSource
{
    private readonly IExcelDataReader _reader;
    private readonly string _sheet;
    private long _row;

    private ExcelRecordSource(IExcelDataReader reader, string sheet, string origin)
    {
        _reader = reader;
        _sheet = sheet;
        Origin = origin;
    }

    public IReadOnlyList<string>? Labels => null;

    public int Count => _reader.FieldCount;

    public long Line => _row;

    public string Origin { get; }

    /// <summary>Opens the dialect's sheet and skips the rows above its header row.</summary>
    public static ExcelRecordSource Open(Stream input, TabularFormat format, DialectSpec dialect)
    {
        // .xls stores text in the workbook's Windows code page, which .NET knows only through this provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var config = new ExcelReaderConfiguration { LeaveOpen = true };
        IExcelDataReader reader;
        try
        {
            reader = format == TabularFormat.Xls
                ? ExcelReaderFactory.CreateBinaryReader(input, config)
                : ExcelReaderFactory.CreateOpenXmlReader(input, config);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // ExcelDataReader throws its own types and IO/XML ones for a damaged workbook; each means "cannot be read".
            throw new TabularFormatException($"this is {TabularFormats.Name(format)} that cannot be read: {e.Message}", e);
        }
        try
        {
            var (name, origin) = SelectSheet(reader, dialect);
            var source = new ExcelRecordSource(reader, name, origin);
            source.SkipAboveHeader(dialect);
            return source;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (!_reader.Read())
        {
            return ValueTask.FromResult(false);
        }
        _row++;
        return ValueTask.FromResult(true);
    }

    public object? Value(int column) => _reader.GetValue(column);

    public void Dispose() => _reader.Dispose();

    private void SkipAboveHeader(DialectSpec dialect)
    {
        int skip = dialect.Header ? dialect.HeaderRow - 1 : 0;
        while (_row < skip && _reader.Read())
        {
            _row++;
        }
    }

    /// <summary>Moves the reader to the dialect's sheet (by name, else by 0-based index); a missing one names the sheets there are.</summary>
    private static (string Name, string Origin) SelectSheet(IExcelDataReader reader, DialectSpec dialect)
    {
        var names = new List<string>();
        do
        {
            names.Add(reader.Name ?? "");
        }
        while (reader.NextResult());
        int index = dialect.SheetName is { } wanted ? names.FindIndex(n => n == wanted) : dialect.SheetIndex;
        if (index < 0 || index >= names.Count)
        {
            string asked = dialect.SheetName is { } n ? $"no sheet named '{n}'" : $"no sheet {dialect.SheetIndex} (0-based)";
            throw new TabularFormatException(
                $"the workbook has {asked}; its sheets are {string.Join(", ", names.Select((s, i) => $"{i} '{s}'"))}; name one in the contract's dialect.sheet");
        }
        reader.Reset();
        for (int i = 0; i < index; i++)
        {
            reader.NextResult();
        }
        return (names[index], $"sheet '{names[index]}' (sheet {index} of {names.Count}, 0-based)");
    }
}
