using System.Diagnostics;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The second read loop: a workbook sheet or a Parquet file as records of typed cells. It shares the header
/// mapping, the checks and the reject path with CSV; only reading differs, so the CSV loop keeps its direct calls.
/// </summary>
internal sealed partial class FileRun
{
    private string[] _cellText = [];

    /// <summary>Hashes the stored bytes, makes them seekable, and reads the records of <paramref name="format"/>.</summary>
    private async Task<FileResult> RunTabularAsync(PeekedStream peeked, TabularFormat format, Stopwatch clock, CancellationToken cancellationToken)
    {
        // Binary: the UTF-8 check is for text, and the tracker here only hashes and counts.
        using var tracker = new TrackingStream(peeked, validateUtf8: false, _options.Progress);
        if (TabularSources.Opener is not { } open)
        {
            SetError(FileErrorCodes.FormatError,
                $"this is {TabularFormats.Name(format)}, which this build of txetl does not read (the Native AOT builds, the AWS Lambda and the released txetl binary, leave the Excel and Parquet readers out: they are not AOT-safe); load it with `dotnet run --project src/TransactionEtl.Cli -- run FILE`, or save it as CSV");
            await tracker.DrainAsync(cancellationToken);
            return Result(tracker, clock, null, null);
        }
        await using var seekable = await SeekableInput.OpenAsync(_input, peeked.Prefix.Length, tracker, cancellationToken);
        try
        {
            using var source = await open(format, seekable.Stream, _contract.Dialect, cancellationToken);
            await ReadSourceAsync(source, cancellationToken);
            ResolveSpilledKeys(cancellationToken);
            if (_rowsRejected > 0)
            {
                _warnings.Add($"read {TabularFormats.Name(format)}, {source.Origin}; a rejected row's line is {LineMeaning(format)} and its raw record is its cells as CSV");
            }
        }
        catch (TabularFormatException e)
        {
            SetError(FileErrorCodes.FormatError, e.Message);
            ResolveSpilledKeys(cancellationToken);
        }
        // No drain here: SeekableInput read every stored byte through the tracker before the reader started, and a
        // local file is then read in place, so another drain would hash the bytes after the reader's last position
        // again (a 'file changed while loading' failure on every .xlsx and .parquet that `txetl run` loaded).
        return Result(tracker, clock, null, null);
    }

    private static string LineMeaning(TabularFormat format) => format == TabularFormat.Parquet
        ? "the row's 1-based index in the file"
        : "the sheet's row number as Excel shows it";

    /// <summary>The header (a labelled row, or the format's own column names), then each record to <see cref="ProcessCells"/>.</summary>
    private async Task ReadSourceAsync(IRecordSource source, CancellationToken cancellationToken)
    {
        bool headerDone = !_contract.Dialect.Header;
        if (headerDone)
        {
            _columnToField = Enumerable.Range(0, _contract.Fields.Length).ToArray();
            _header = _contract.Fields.Select(f => f.Name).ToArray();
        }
        else if (source.Labels is { } labels)
        {
            headerDone = true;
            if (!MapHeader(labels))
            {
                return;
            }
        }
        while (await source.ReadAsync(cancellationToken))
        {
            _line = source.Line;
            int count = RenderCells(source);
            if (AllBlank(count))
            {
                _blankLines++;
                continue;
            }
            if (!headerDone)
            {
                headerDone = true;
                if (!MapHeader(_cellText.AsSpan(0, count).ToArray()))
                {
                    return;
                }
                continue;
            }
            await ProcessCells(count, cancellationToken);
        }
        if (!headerDone && _errorCode is null)
        {
            SetError(FileErrorCodes.EmptyFile, _blankLines == 0
                ? "the sheet is empty; expected a header row naming the columns"
                : $"the sheet has only {_blankLines} blank row(s); expected a header row naming the columns");
        }
    }

    /// <summary>Each cell's text under its column's field (a header cell, or an unmapped column, under none).</summary>
    private int RenderCells(IRecordSource source)
    {
        int count = source.Count;
        if (_cellText.Length < count)
        {
            _cellText = new string[count];
        }
        var fields = _contract.Fields;
        for (int c = 0; c < count; c++)
        {
            int field = c < _columnToField.Length ? _columnToField[c] : -1;
            _cellText[c] = CellText.Render(source.Value(c), field >= 0 ? fields[field] : null);
        }
        return count;
    }

    private bool AllBlank(int count)
    {
        for (int c = 0; c < count; c++)
        {
            if (!string.IsNullOrWhiteSpace(_cellText[c]))
            {
                return false;
            }
        }
        return true;
    }

    private ValueTask ProcessCells(int count, CancellationToken cancellationToken)
    {
        _rowsTotal++;
        if ((_rowsTotal & 1023) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
        SetCells(count);
        // Trailing empty cells are the sheet's width, not part of the record.
        while (count > _columnToField.Length && _cellText[count - 1].Length == 0)
        {
            count--;
        }
        string raw = CellText.Record(_cellText, count, _contract.Dialect);
        return CheckRecord(_line, raw, cancellationToken);
    }

    /// <summary>The cells to the validator by field; a non-empty cell right of the last column is an error, as in CSV.</summary>
    private void SetCells(int count)
    {
        var validator = _validator;
        int columns = _columnToField.Length;
        for (int c = 0; c < Math.Min(count, columns); c++)
        {
            int field = _columnToField[c];
            if (field >= 0)
            {
                validator.SetCell(field, _cellText[c]);
            }
        }
        for (int c = columns; c < count; c++)
        {
            if (_cellText[c].Length > 0)
            {
                _errors.Add(new CellError(null, FileErrorCodes.ExtraCell,
                    $"the row has a value in column {c + 1} but the header has {columns} column(s); it has no column", _cellText[c]));
                break;
            }
        }
        for (int c = count; c < columns; c++)
        {
            if (_columnToField[c] is var field and >= 0)
            {
                validator.SetCell(field, "");
            }
        }
    }
}
