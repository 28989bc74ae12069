using System.Text;
using TransactionEtl.Aws.S3.Internal;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.S3;

/// <summary>
/// Streams rejected rows into <c>rejects.csv</c> as they are found (memory does not grow with their
/// number). Columns: <c>line,codes,errors,raw_record</c>; <c>errors</c> lists every reason as
/// <c>column: message [value]</c> joined by <c> | </c>; <c>raw_record</c> is the row's text exactly as in
/// the file. The object appears only on <see cref="CompleteAsync"/>; disposing without it aborts.
/// </summary>
internal sealed class RejectsReportWriter : IAsyncDisposable
{
    /// <summary>The header line.</summary>
    public const string Header = "line,codes,errors,raw_record";

    private readonly S3UploadStream _upload;
    private readonly StreamWriter _writer;
    private readonly StringBuilder _field = new();
    private long _rows;
    private bool _completed;

    internal RejectsReportWriter(S3UploadStream upload, string uri)
    {
        _upload = upload;
        Uri = uri;
        _writer = new StreamWriter(upload, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024) { NewLine = "\r\n" };
    }

    /// <summary>Where the report goes.</summary>
    public string Uri { get; }

    /// <summary>Rows written so far.</summary>
    public long Rows => _rows;

    internal async Task WriteHeaderAsync(CancellationToken cancellationToken) =>
        await _writer.WriteLineAsync(Header.AsMemory(), cancellationToken);

    /// <summary>Appends one rejected row.</summary>
    public async Task WriteAsync(RejectedRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        _field.Clear();
        _field.Append(row.Line).Append(',');
        AppendQuoted(string.Join(';', row.Errors.Select(e => e.Code).Distinct()));
        _field.Append(',');
        AppendQuoted(string.Join(" | ", row.Errors.Select(Describe)));
        _field.Append(',');
        AppendQuoted(row.RawRecord);
        await _writer.WriteLineAsync(_field, cancellationToken);
        _rows++;
    }

    /// <summary>Flushes and makes the report visible in S3.</summary>
    /// <returns>The report's <c>s3://</c> URI.</returns>
    public async Task<string> CompleteAsync(CancellationToken cancellationToken)
    {
        await _writer.FlushAsync(cancellationToken);
        await _upload.CompleteAsync(cancellationToken);
        _completed = true;
        return Uri;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_completed)
        {
            await _writer.DisposeAsync();
            return;
        }
        // Not completed: abort the upload. The StreamWriter is dropped, not disposed, because disposing
        // would flush its pending characters into the aborted upload; it holds no other resource.
        await _upload.DisposeAsync();
    }

    private static string Describe(CellError error) =>
        (error.Column is null ? "" : error.Column + ": ") + error.Message + (error.Value is null ? "" : $" [{error.Value}]");

    private void AppendQuoted(string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _field.Append(value);
            return;
        }
        _field.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
