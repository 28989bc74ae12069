using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Sylvan.Data.Csv;

namespace TransactionEtl.Core.Internal;

/// <summary>The state of one <see cref="FileProcessor.ProcessAsync"/> call: read, map the header, check each record.</summary>
internal sealed class FileRun
{
    private const int ReadBufferSize = 64 * 1024;
    private const char NeverAComment = '\uDFFF';

    private readonly Stream _input;
    private readonly IRowSink _sink;
    private readonly ProcessingOptions _options;
    private readonly Contract _contract;
    private readonly RowValidator _validator;
    private readonly List<CellError> _errors = [];
    private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private readonly Dictionary<string, long>? _seenKeys;
    private readonly UniqueValues? _unique;
    private readonly ValidRow _row;
    private string[] _header = [];
    private int[] _columnToField = [];
    private long _rowsTotal;
    private long _rowsValid;
    private long _rowsRejected;
    private long _blankLines;
    // The line the next record starts on; read by the error messages when reading stops.
    private long _line = 1;
    private string? _errorCode;
    private string? _errorMessage;

    public FileRun(Stream input, IRowSink sink, ProcessingOptions options)
    {
        _input = input;
        _sink = sink;
        _options = options;
        _contract = options.Contract;
        _validator = new RowValidator(_contract, options.MaxFieldChars);
        _row = new ValidRow(_contract.OutputColumns.Count);
        _seenKeys = options.DetectDuplicatesInMemory && _contract.PrimaryKeyFields.Length > 0
            ? new Dictionary<string, long>(StringComparer.Ordinal)
            : null;
        _unique = UniqueValues.For(_contract);
    }

    public async Task<FileResult> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var dialect = _contract.Dialect;
        var peeked = await PeekedStream.OpenAsync(_input, FileDiagnosis.PrefixBytes, cancellationToken);
        using var tracker = new TrackingStream(peeked, validateUtf8: dialect.Encoding is null, _options.Progress);
        if (FileDiagnosis.NotText(peeked.Prefix, dialect) is { } notText)
        {
            // Never text in this encoding: rejected before a record is read, so no row-level error comes first.
            SetError(FileErrorCodes.EncodingError, notText);
            await tracker.DrainAsync(cancellationToken);
            return Result(tracker, clock);
        }
        byte[] badBytes = [];
        try
        {
            await ReadRecordsAsync(tracker, cancellationToken);
        }
        catch (EncodingErrorException e)
        {
            SetError(FileErrorCodes.EncodingError, e.Message);
            badBytes = e.Context;
        }
        catch (DecoderFallbackException e)
        {
            SetError(FileErrorCodes.EncodingError, $"near line {_line}: the bytes are not valid {dialect.EncodingName}: {e.Message}");
        }
        catch (TooManyFieldsException e)
        {
            SetError(FileErrorCodes.RecordTooLarge, e.Message);
        }
        catch (CsvRecordTooLargeException)
        {
            SetError(FileErrorCodes.RecordTooLarge,
                $"the record starting on line {_line} is longer than {_options.MaxRecordChars} characters; this is usually an unclosed quote (check the quotes from line {_line} on)");
        }
        catch (CsvFormatException e)
        {
            SetError(FileErrorCodes.FormatError,
                $"line {_line}: the CSV structure is broken ({e.Message}); a quoted field must end with a quote followed by a delimiter or a line break, and quotes inside it must be doubled (\"\")");
        }
        Diagnose(peeked.Prefix, badBytes);
        await tracker.DrainAsync(cancellationToken);
        return Result(tracker, clock);
    }

    /// <summary>
    /// Leads a file-level error with its likely cause (encoding, delimiter, a data row as header). Without one, a
    /// wrong delimiter still shows as rows with missing cells (a headerless contract): then it is the first warning.
    /// </summary>
    private void Diagnose(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> badBytes)
    {
        var dialect = _contract.Dialect;
        if (_errorMessage is not null)
        {
            string? header = dialect.Header && _errorCode is FileErrorCodes.MissingLabel or FileErrorCodes.DuplicateLabel
                ? FileDiagnosis.HeaderLooksLikeData(_header, _columnToField.Count(f => f >= 0))
                : null;
            _errorMessage = FileDiagnosis.Lead(_errorMessage, prefix, dialect, badBytes, header);
        }
        else if (_rowsRejected > 0 && FileDiagnosis.LikelyDelimiter(prefix, dialect) is { } delimiter)
        {
            _warnings.Insert(0, delimiter);
        }
    }

    /// <summary>Decodes, counts fields, parses, and hands each record on: the header to <see cref="MapHeader"/>, the rest to <see cref="ProcessRecord"/>.</summary>
    private async Task ReadRecordsAsync(TrackingStream tracker, CancellationToken cancellationToken)
    {
        var dialect = _contract.Dialect;
        // The tracker has already refused bad bytes, so the decoder never meets any; it only strips the BOM.
        var encoding = dialect.Encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);
        using var decoded = new StreamReader(tracker, encoding, detectEncodingFromByteOrderMarks: false, ReadBufferSize, leaveOpen: true);
        // Counts fields before Sylvan parses them: Sylvan allocates per field and has no limit of its own.
        using var text = new FieldCountingReader(decoded, dialect.Delimiter, dialect.Quote, _options.MaxFieldsPerRecord);
        await using var csv = await CsvDataReader.CreateAsync(text, CsvOptions(), cancellationToken);
        bool headerDone = !dialect.Header;
        if (headerDone)
        {
            _columnToField = Enumerable.Range(0, _contract.Fields.Length).ToArray();
            _header = _contract.Fields.Select(f => f.Name).ToArray();
        }
        while (await csv.ReadAsync(cancellationToken))
        {
            var raw = csv.GetRawRecordSpan();
            long recordLine = _line;
            _line += LineCounter.CountLineBreaks(raw);
            var content = LineCounter.TrimLineBreak(raw);
            if (content.IsWhiteSpace())
            {
                _blankLines++;
                continue;
            }
            if (!headerDone)
            {
                headerDone = true;
                if (!MapHeader(csv))
                {
                    break;
                }
                continue;
            }
            // Not an async method per record: a state machine per row cost more than the sinks' (synchronous) work.
            await ProcessRecord(csv, recordLine, content, cancellationToken);
        }
        if (!headerDone && _errorCode is null)
        {
            SetError(FileErrorCodes.EmptyFile, _blankLines == 0
                ? "the file is empty; expected a header row naming the columns"
                : $"the file has only {_blankLines} blank line(s); expected a header row naming the columns");
        }
    }

    private CsvDataReaderOptions CsvOptions() => new()
    {
        HasHeaders = false,
        Delimiter = _contract.Dialect.Delimiter,
        Quote = _contract.Dialect.Quote,
        Escape = _contract.Dialect.Quote,
        // Sylvan has no "no comments" setting, and a line starting with the comment character is skipped
        // without a trace: with '\0' a row beginning with a NUL byte vanished and later line numbers shifted.
        // A lone low surrogate can never start a record in decoded text (the UTF-8 check refuses encoded
        // surrogates and any decoder emits them only after a high surrogate), so no line is ever a comment.
        Comment = NeverAComment,
        BufferSize = Math.Min(ReadBufferSize, _options.MaxRecordChars),
        MaxBufferSize = _options.MaxRecordChars,
        OwnsReader = false,
        ResultSetMode = ResultSetMode.SingleResult,
    };

    private FileResult Result(TrackingStream tracker, Stopwatch clock) => new()
    {
        ErrorCode = _errorCode,
        ErrorMessage = _errorMessage,
        RowsTotal = _rowsTotal,
        RowsValid = _rowsValid,
        RowsRejected = _rowsRejected,
        BlankLines = _blankLines,
        RejectReasons = new SortedDictionary<string, long>(_reasons, StringComparer.Ordinal),
        Warnings = _warnings.ToArray(),
        Header = _header,
        Sha256 = tracker.HashHex(),
        Bytes = tracker.BytesRead,
        MaxRejectedRatio = _options.EffectiveMaxRejectedRatio,
        Duration = clock.Elapsed,
    };

    private void SetError(string code, string message)
    {
        _errorCode = code;
        _errorMessage = message;
    }

    /// <summary>Maps each header column to its field; false (with the file's error set) when the header cannot be used.</summary>
    private bool MapHeader(CsvDataReader csv)
    {
        var fieldColumn = new int[_contract.Fields.Length];
        Array.Fill(fieldColumn, -1);
        var problems = new List<string>();
        int ignored = MapColumns(csv, fieldColumn, problems);
        if (ignored > HeaderHints.MaxListed)
        {
            _warnings.Add($"{ignored - HeaderHints.MaxListed} more unknown or unnamed columns are ignored ({ignored} in all)");
        }
        if (problems.Count > 0)
        {
            string listed = string.Join("; ", problems.Take(HeaderHints.MaxListed));
            string more = problems.Count > HeaderHints.MaxListed ? $"; and {problems.Count - HeaderHints.MaxListed} more" : "";
            SetError(FileErrorCodes.DuplicateLabel, "the header names a column twice: " + listed + more + "; keep one of each");
            return false;
        }
        return RequiredColumnsPresent(fieldColumn);
    }

    /// <summary>
    /// Fills the header, the column-to-field map and <paramref name="fieldColumn"/>; collects labels named twice in
    /// <paramref name="problems"/> and warns of unknown columns. Returns how many columns are ignored.
    /// </summary>
    private int MapColumns(CsvDataReader csv, int[] fieldColumn, List<string> problems)
    {
        var fields = _contract.Fields;
        int count = csv.RowFieldCount;
        _header = new string[count];
        _columnToField = new int[count];
        var labelColumn = new Dictionary<string, int>(StringComparer.Ordinal);
        var labelField = LabelFields();
        int ignored = 0;
        for (int c = 0; c < count; c++)
        {
            string label = csv.GetString(c);
            _header[c] = label;
            _columnToField[c] = -1;
            string key = ContractLoader.HeaderKey(label);
            if (labelColumn.TryGetValue(key, out int first))
            {
                problems.Add($"'{HeaderHints.Label(label)}' is named twice (columns {first + 1} and {c + 1})");
                continue;
            }
            labelColumn[key] = c;
            if (labelField.TryGetValue(key, out int field))
            {
                if (fieldColumn[field] >= 0)
                {
                    problems.Add($"columns {fieldColumn[field] + 1} '{HeaderHints.Label(_header[fieldColumn[field]])}' and {c + 1} '{HeaderHints.Label(label)}' both name {fields[field].Name}");
                    continue;
                }
                fieldColumn[field] = c;
                _columnToField[c] = field;
            }
            else if (++ignored <= HeaderHints.MaxListed)
            {
                // Bounded: a header of 50,000 unknown columns must not make 50,000 warnings in the summary.
                _warnings.Add(key.Length == 0
                    ? $"column {c + 1} has no name and is ignored"
                    : $"unknown column '{HeaderHints.Label(label)}' (column {c + 1}) is ignored");
            }
        }
        return ignored;
    }

    /// <summary>Every header key (name or alias) and the field it names.</summary>
    private Dictionary<string, int> LabelFields()
    {
        var labelField = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in _contract.Fields)
        {
            foreach (var label in f.Labels)
            {
                labelField[label] = f.Index;
            }
        }
        return labelField;
    }

    private bool RequiredColumnsPresent(int[] fieldColumn)
    {
        var missing = _contract.Fields.Where(f => f.Required && fieldColumn[f.Index] < 0).ToList();
        if (missing.Count > 0)
        {
            string names = string.Join(", ", missing.Select(f => f.Labels.Length > 1
                ? $"{f.Name} (or {string.Join(", ", f.Labels.Skip(1))})"
                : f.Name));
            SetError(FileErrorCodes.MissingLabel,
                $"required column(s) missing from the header: {names}; the header found is: {HeaderHints.List(_header)}{HeaderHints.ForMissingLabel(_header, _contract.Dialect.Delimiter)}");
            return false;
        }
        return true;
    }

    private ValueTask ProcessRecord(CsvDataReader csv, long line, ReadOnlySpan<char> raw, CancellationToken cancellationToken)
    {
        _rowsTotal++;
        if ((_rowsTotal & 1023) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
        var validator = _validator;
        SetCells(csv, validator);
        validator.Validate(_errors, _row.Values);
        string key = "";
        var pk = _contract.PrimaryKeyFields;
        if (pk.Length > 0 && validator.HasEveryValue(pk))
        {
            key = pk.Length == 1 ? KeyText(validator.TypedValue(pk[0])!) : string.Join('\u001f', pk.Select(i => KeyText(validator.TypedValue(i)!)));
            if (_seenKeys is not null)
            {
                if (_seenKeys.TryGetValue(key, out long firstLine))
                {
                    string names = string.Join(", ", _contract.PrimaryKey);
                    _errors.Add(new CellError(_contract.Fields[pk[0]].Name, FileErrorCodes.PrimaryKey,
                        RowMessages.InFileDuplicate(names, key.Replace('\u001f', ','), firstLine), key.Replace('\u001f', ',')));
                }
                else if (_errors.Count == 0)
                {
                    _seenKeys[key] = line;
                }
            }
        }
        _unique?.Check(validator, _errors);
        if (_errors.Count == 0)
        {
            _unique?.Remember(line);
            _rowsValid++;
            _row.Line = line;
            _row.SetRawRecord(raw);
            _row.Key = key;
            return _sink.AcceptAsync(_row, cancellationToken);
        }
        return Reject(line, raw, cancellationToken);
    }

    /// <summary>Hands the record's cells to the validator by field; a short row marks its missing cells, a long one is an error.</summary>
    // Per record: inlined so that naming the step costs no call on the hot path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetCells(CsvDataReader csv, RowValidator validator)
    {
        validator.Clear();
        int cells = csv.RowFieldCount;
        int columns = _columnToField.Length;
        for (int c = 0; c < Math.Min(cells, columns); c++)
        {
            int field = _columnToField[c];
            if (field >= 0)
            {
                validator.SetCell(field, csv.GetFieldSpan(c));
            }
        }
        for (int c = cells; c < columns; c++)
        {
            int field = _columnToField[c];
            if (field >= 0)
            {
                validator.MarkMissing(field);
                _errors.Add(new CellError(_contract.Fields[field].Name, FileErrorCodes.MissingCell,
                    $"the row has {cells} cell(s) but the header has {columns}; {_contract.Fields[field].Name} (column {c + 1}) is missing", null));
            }
        }
        if (cells > columns)
        {
            // One error for all extra cells: a row of 10,000 stray delimiters must not make 10,000 errors.
            _errors.Add(new CellError(null, FileErrorCodes.ExtraCell,
                $"the row has {cells} cells but the header has {columns}; cell(s) {columns + 1}..{cells} have no column (a delimiter inside an unquoted value?)",
                csv.GetString(columns)));
        }
    }

    private ValueTask Reject(long line, ReadOnlySpan<char> raw, CancellationToken cancellationToken)
    {
        _rowsRejected++;
        foreach (var error in _errors)
        {
            _reasons[error.Code] = _reasons.GetValueOrDefault(error.Code) + 1;
        }
        var rejected = new RejectedRow(line, raw.ToString(), _errors.ToArray());
        _errors.Clear();
        return _sink.RejectAsync(rejected, cancellationToken);
    }

    private static string KeyText(object value) => value switch
    {
        string s => s,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
