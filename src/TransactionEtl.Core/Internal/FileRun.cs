using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Sylvan.Data.Csv;

namespace TransactionEtl.Core.Internal;

/// <summary>The state of one <see cref="FileProcessor.ProcessAsync"/> call: read, map the header, check each record.</summary>
/// <remarks>Disposable for the duplicate check's temp file; <see cref="RunAsync"/> disposes it however the run ends.</remarks>
internal sealed partial class FileRun : IDisposable
{
    private const int ReadBufferSize = 64 * 1024;
    private const char NeverAComment = '\uDFFF';
    // Enough rows to know a record's length well (the read-ahead buffers do not blur it), few enough that the set's
    // table is still small when it is sized for the file.
    private const int ReserveKeysAfterRows = 16 * 1024;

    private readonly Stream _input;
    private readonly IRowSink _sink;
    private readonly ProcessingOptions _options;
    private readonly Contract _contract;
    private readonly RowValidator _validator;
    private readonly List<CellError> _errors = [];
    private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private readonly InFileKeys? _seenKeys;
    private readonly IKeyHintSink? _keyHints;
    // The one text key field whose cell is handed to _seenKeys or _keyHints before validation, or -1: decided once here.
    private readonly int _earlyKeyField;
    private SpilledKeys? _spilled;
    private readonly UniqueValues? _unique;
    private readonly ValidRow _row;
    private readonly RecordFields _fields;
    private string[] _header = [];
    private int[] _columnToField = [];
    private long _rowsTotal;
    private long _rowsValid;
    private long _rowsRejected;
    private long _blankLines;
    // The stored size of a plain seekable input (0 if unknown) and the characters of the records read, for ReserveKeys.
    private long _textBytes;
    private long _recordChars;
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
        _fields = new RecordFields(_contract.Dialect.Delimiter, _contract.Dialect.Quote);
        _seenKeys = options.DetectDuplicatesInMemory && _contract.PrimaryKeyFields.Length > 0
            ? options.DuplicateCheckHashRemap is { } remap ? new InFileKeys(remap) : new InFileKeys()
            : null;
        _unique = UniqueValues.For(_contract);
        var pk = _contract.PrimaryKeyFields;
        bool oneTextKey = pk.Length == 1 && _contract.Fields[pk[0]].Type == FieldType.String;
        _keyHints = oneTextKey && _seenKeys is null ? sink as IKeyHintSink : null;
        _earlyKeyField = oneTextKey && (_seenKeys is not null || _keyHints is not null) ? pk[0] : -1;
    }

    public async Task<FileResult> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(cancellationToken);
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Deletes the duplicate check's temp file, if the keys spilled.</summary>
    public void Dispose()
    {
        _spilled?.Dispose();
        _spilled = null;
    }

    private async Task<FileResult> RunCoreAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var peeked = await PeekedStream.OpenAsync(_input, FileDiagnosis.PrefixBytes, cancellationToken);
        if (TabularFormats.Detect(peeked.Prefix) is var tabular and not TabularFormat.None)
        {
            return await RunTabularAsync(peeked, tabular, clock, cancellationToken);
        }
        string? compression = FileDiagnosis.Compression(peeked.Prefix);
        compression = Decompression.CanRead(compression) ? compression : null;
        bool utf8 = _contract.Dialect.Encoding is null;
        // The stored bytes are hashed and counted (the ledger's identity is what was sent); the text is checked.
        using var stored = new TrackingStream(peeked, validateUtf8: utf8 && compression is null, _options.Progress);
        long? decompressed = null;
        if (compression is null)
        {
            _textBytes = _input.CanSeek ? _input.Length : 0;
            await ReadTextAsync(peeked.PrefixMemory, stored, cancellationToken);
        }
        else
        {
            await using var guard = new DecompressionGuard(() => Decompression.Open(compression, stored), () => stored.BytesRead, compression, _options);
            try
            {
                var text = await PeekedStream.OpenAsync(guard, FileDiagnosis.PrefixBytes, cancellationToken);
                using var tracker = new TrackingStream(text, validateUtf8: utf8, progress: null, hash: false);
                await ReadTextAsync(text.PrefixMemory, tracker, cancellationToken);
            }
            catch (DecompressionException e)
            {
                SetError(e.Code, e.Message);
            }
            decompressed = guard.BytesOut;
        }
        // After a file-level error the rest is read as stored (not decompressed), so hash and size cover the file.
        await stored.DrainAsync(cancellationToken);
        return Result(stored, clock, compression, decompressed);
    }

    /// <summary>Reads the (decompressed) text through <paramref name="tracker"/>, turning what stops it into the file's error.</summary>
    private async Task ReadTextAsync(ReadOnlyMemory<byte> prefix, TrackingStream tracker, CancellationToken cancellationToken)
    {
        var dialect = _contract.Dialect;
        if (FileDiagnosis.NotText(prefix.Span, dialect) is { } notText)
        {
            // Never text in this encoding: rejected before a record is read, so no row-level error comes first.
            SetError(FileErrorCodes.EncodingError, notText);
            return;
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
        catch (DecompressionException e)
        {
            // A ZIP member's guard is this file's input (ZipMembers), so its limits stop the records here; the
            // reason needs no lead about the text, as for the other compressions.
            SetError(e.Code, e.Message);
            ResolveSpilledKeys(cancellationToken);
            return;
        }
        catch (CsvFormatException e)
        {
            SetError(FileErrorCodes.FormatError,
                $"line {_line}: the CSV structure is broken ({e.Message}); a quoted field must end with a quote followed by a delimiter or a line break, and quotes inside it must be doubled (\"\")");
        }
        ResolveSpilledKeys(cancellationToken);
        Diagnose(prefix.Span, badBytes);
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
        // UTF-8 (the tracker has already refused bad bytes; a BOM is stripped) decodes straight into the CSV reader's
        // buffer; other encodings go through StreamReader, which strips their own BOM.
        using TextReader decoded = dialect.Encoding is { } encoding
            ? new StreamReader(tracker, encoding, detectEncodingFromByteOrderMarks: false, ReadBufferSize, leaveOpen: true)
            : new Utf8TextReader(tracker, ReadBufferSize);
        // Counts fields before Sylvan parses them: Sylvan allocates per field and has no limit of its own.
        // It logs the delimiters and stops it finds in _fields too: a plain record's cells come from there, not a second scan.
        using var text = new FieldCountingReader(decoded, dialect.Delimiter, dialect.Quote, _options.MaxFieldsPerRecord, _fields);
        await using var csv = await CsvDataReader.CreateAsync(text, CsvOptions(), cancellationToken);
        bool headerDone = !dialect.Header;
        if (headerDone)
        {
            _columnToField = Enumerable.Range(0, _contract.Fields.Length).ToArray();
            _header = _contract.Fields.Select(f => f.Name).ToArray();
        }
        // Characters of the records read so far: where the CSV reader's next record starts.
        long consumed = 0;
        while (text.HasRecordAfter(consumed) ? ReadBuffered(csv, cancellationToken) : await csv.ReadAsync(cancellationToken))
        {
            var raw = csv.GetRawRecordSpan();
            long start = consumed;
            consumed += raw.Length;
            long recordLine = _line;
            var content = LineCounter.TrimLineBreak(raw);
            bool lineBreak = raw.Length > content.Length;
            // A split record has no line break but the one trimmed off, so it spans one line; others are counted.
            bool split = _fields.TrySplit(start, content, lineBreak, csv.RowFieldCount);
            _line += split ? (lineBreak ? 1 : 0) : LineCounter.CountLineBreaks(raw);
            // A blank line (only white space, or none): a record's first character settles it for all but those.
            if (content.IsEmpty || (char.IsWhiteSpace(content[0]) && content.IsWhiteSpace()))
            {
                _blankLines++;
                continue;
            }
            if (!headerDone)
            {
                headerDone = true;
                if (!MapHeader(HeaderLabels(csv)))
                {
                    break;
                }
                continue;
            }
            // Not an async method per record: a state machine per row cost more than the sinks' (synchronous) work.
            await ProcessRecord(csv, recordLine, content, split, cancellationToken);
        }
        if (!headerDone && _errorCode is null)
        {
            SetError(FileErrorCodes.EmptyFile, _blankLines == 0
                ? "the file is empty; expected a header row naming the columns"
                : $"the file has only {_blankLines} blank line(s); expected a header row naming the columns");
        }
    }

    /// <summary>
    /// The next record when the reader's buffer already holds it: Read, not ReadAsync, whose two state machines per
    /// record cost more than forming the record. Cancellation is checked as ReadAsync does.
    /// </summary>
    private static bool ReadBuffered(CsvDataReader csv, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return csv.Read();
    }

    private static string[] HeaderLabels(CsvDataReader csv)
    {
        var labels = new string[csv.RowFieldCount];
        for (int c = 0; c < labels.Length; c++)
        {
            labels[c] = csv.GetString(c);
        }
        return labels;
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

    private FileResult Result(TrackingStream tracker, Stopwatch clock, string? compression, long? decompressed) => new()
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
        Compression = compression,
        BytesDecompressed = decompressed,
        MaxRejectedRatio = _options.EffectiveMaxRejectedRatio,
        Duration = clock.Elapsed,
    };

    private void SetError(string code, string message)
    {
        _errorCode = code;
        _errorMessage = message;
    }
}
