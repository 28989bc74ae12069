using System.Globalization;
using System.Text;
using TransactionEtl.Core;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>txetl rejects --csv</c>: the file's header and its rejected records in the contract's own dialect and encoding, so
/// that the output, once fixed, loads again under the same contract. Each record is the stored raw text, which is the
/// file's bytes decoded with that encoding; encoding it again gives back the original bytes (the one exception is NUL,
/// stored as U+2400, docs/reliability.md). Lines end with LF whatever the source used.
/// </summary>
/// <remarks>
/// With <c>--annotate</c> two columns come first, <c>_line</c> (the record's line in the file) and <c>_errors</c>
/// (every reason). First rather than last, so that they stay in place when a record has too many or too few fields.
/// A load ignores both as unknown columns, with a warning.
/// </remarks>
internal sealed class RejectsCsvWriter
{
    public const string LineColumn = "_line";
    public const string ErrorsColumn = "_errors";

    private readonly Contract _contract;
    private readonly bool _annotate;
    private readonly string _delimiter;

    public RejectsCsvWriter(Contract contract, bool annotate)
    {
        _contract = contract;
        _annotate = annotate;
        _delimiter = contract.Delimiter.ToString();
    }

    /// <summary>
    /// The contract's encoding made strict: a character it cannot hold (a file loaded under another contract) is an
    /// error naming the record rather than a silent '?'.
    /// </summary>
    public Encoding StrictEncoding()
    {
        var encoding = (Encoding)_contract.FileEncoding.Clone();
        encoding.EncoderFallback = EncoderFallback.ExceptionFallback;
        return encoding;
    }

    /// <summary>The header line: the labels as found in the file (the contract's field names when none were stored).</summary>
    public string Header(IReadOnlyList<string> labels)
    {
        var names = labels.Count > 0 ? labels : _contract.FieldNames;
        var fields = _annotate ? new[] { LineColumn, ErrorsColumn }.Concat(names) : names;
        return string.Join(_delimiter, fields.Select(Field));
    }

    /// <summary>One rejected record as a line, its raw text untouched.</summary>
    public string Record(RejectListing listing)
    {
        var row = listing.Row;
        if (!_annotate)
        {
            return row.RawRecord;
        }
        var errors = string.Join(" | ", row.Errors.Select(e => e.Column is null ? $"{e.Code}: {e.Message}" : $"{e.Column}: {e.Code}: {e.Message}"));
        return row.Line.ToString(CultureInfo.InvariantCulture) + _delimiter + Field(errors) + _delimiter + row.RawRecord;
    }

    /// <summary>
    /// Writes the header and every record of <paramref name="rows"/> as bytes of the contract's encoding to
    /// <paramref name="bytes"/>, or as text to <paramref name="text"/> when there is no byte stream; returns how many
    /// records it wrote. Text output is still checked against the encoding, so both fail alike.
    /// </summary>
    public async Task<int> WriteAsync(Stream? bytes, TextWriter text, IReadOnlyList<string> labels, IAsyncEnumerable<RejectListing> rows, CancellationToken cancellationToken)
    {
        var encoding = StrictEncoding();
        async Task WriteLineAsync(string line, string what)
        {
            var encoded = Encode(encoding, line + "\n", what);
            if (bytes is null)
            {
                await text.WriteAsync((line + "\n").AsMemory(), cancellationToken);
            }
            else
            {
                await bytes.WriteAsync(encoded, cancellationToken);
            }
        }

        await WriteLineAsync(Header(labels), "the header");
        var count = 0;
        await foreach (var listing in rows.WithCancellation(cancellationToken))
        {
            await WriteLineAsync(Record(listing), $"the record of line {listing.Row.Line}");
            count++;
        }
        await (bytes is null ? text.FlushAsync(cancellationToken) : bytes.FlushAsync(cancellationToken));
        return count;
    }

    private byte[] Encode(Encoding encoding, string line, string what)
    {
        try
        {
            return encoding.GetBytes(line);
        }
        catch (EncoderFallbackException e)
        {
            throw new TransactionEtlException(
                $"{what} holds {Visible.Text(e.CharUnknown.ToString())} (U+{(int)e.CharUnknown:X4}), which {_contract.FileEncoding.WebName} cannot encode; " +
                "export with the contract the file was loaded with (--contract FILE)");
        }
    }

    /// <summary>A field quoted as the dialect reads it back: only when it holds the delimiter, the quote or a line break.</summary>
    private string Field(string value)
    {
        var quote = _contract.QuoteChar;
        if (value.IndexOfAny([_contract.Delimiter, quote, '\r', '\n']) < 0)
        {
            return value;
        }
        var q = quote.ToString();
        return q + value.Replace(q, q + q, StringComparison.Ordinal) + q;
    }
}
