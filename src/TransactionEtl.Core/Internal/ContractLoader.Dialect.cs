using System.Text;
using System.Text.Json;

namespace TransactionEtl.Core.Internal;

/// <summary>The CSV dialect part of a contract: delimiter, quote, header and encoding.</summary>
internal static partial class ContractLoader
{
    private sealed partial class Builder
    {
        private DialectSpec BuildDialect(DialectDocument? d)
        {
            if (d is null)
            {
                return new DialectSpec();
            }
            RefuseUnknown(d.Extra, "dialect", ["commentChar", "commentRows", "headerRows", "headerJoin", "skipInitialSpace", "escapeChar", "nullSequence"], extensionScope: false);
            char delimiter = SingleChar(d.Delimiter, ',', "dialect.delimiter");
            char quote = SingleChar(d.QuoteChar, '"', "dialect.quoteChar");
            if (delimiter == quote || delimiter is '\r' or '\n' || quote is '\r' or '\n')
            {
                throw Error("dialect", "delimiter and quoteChar must differ and must not be line breaks");
            }
            if (d.DoubleQuote == false)
            {
                throw Error("dialect.doubleQuote", "only doubleQuote: true (RFC 4180 \"\" escaping) is supported");
            }
            string encodingName = (d.Encoding ?? "utf-8").Trim().ToLowerInvariant();
            var encoding = ResolveEncoding(encodingName, d.Encoding);
            var (sheetName, sheetIndex) = Sheet(d.Sheet);
            int headerRow = HeaderRow(d.HeaderRow, d.Header ?? true);
            return new DialectSpec
            {
                Delimiter = delimiter, Quote = quote, Header = d.Header ?? true, EncodingName = encodingName, Encoding = encoding,
                SheetName = sheetName, SheetIndex = sheetIndex, HeaderRow = headerRow,
            };
        }

        /// <summary>The workbook sheet: a name (a JSON string) or a 0-based index (a JSON integer); the first by default.</summary>
        private (string? Name, int Index) Sheet(JsonElement? sheet)
        {
            switch (sheet)
            {
                case null:
                    return (null, 0);
                case { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 } name:
                    return (name, 0);
                case { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out int index) && index >= 0:
                    return (null, index);
                default:
                    throw Error("dialect.sheet", $"'{sheet}' must be a sheet name (a non-empty string) or a 0-based sheet index (0 is the first sheet)");
            }
        }

        /// <summary>The 1-based row of the header in a sheet; only meaningful with a header.</summary>
        private int HeaderRow(JsonElement? headerRow, bool header)
        {
            if (headerRow is null)
            {
                return 1;
            }
            if (headerRow.Value.ValueKind != JsonValueKind.Number || !headerRow.Value.TryGetInt32(out int row) || row < 1)
            {
                throw Error("dialect.headerRow", $"'{headerRow}' must be a row number, 1 or more (1 is the sheet's first row)");
            }
            return header ? row : throw Error("dialect.headerRow", "a headerRow needs a header; remove headerRow or set header to true");
        }

        /// <summary>Null for UTF-8, which the reader validates itself; a strict decoder for anything else.</summary>
        private Encoding? ResolveEncoding(string encodingName, string? written) =>
            TryResolveEncoding(encodingName, out var encoding)
                ? encoding
                : throw Error("dialect.encoding", $"unsupported encoding '{written}'; {SupportedEncodings}");
    }

    /// <summary>What to write instead of an unsupported encoding name.</summary>
    internal const string SupportedEncodings = "use utf-8 (default), utf-16le, utf-16be, iso-8859-1 or a Windows code page such as windows-1252";

    /// <summary>False for an unknown name; a null encoding is UTF-8, which the reader validates itself, else a strict decoder.</summary>
    internal static bool TryResolveEncoding(string encodingName, out Encoding? encoding)
    {
        encoding = null;
        if (encodingName is "utf-8" or "utf8")
        {
            return true;
        }
        encoding = encodingName switch
        {
            "utf-16" or "utf-16le" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
            "utf-16be" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true),
            "iso-8859-1" or "latin1" => Encoding.Latin1,
            _ => CodePagesEncodingProvider.Instance.GetEncoding(encodingName),
        };
        return encoding is not null;
    }

    private sealed partial class Builder
    {

        private char SingleChar(string? value, char fallback, string path)
        {
            if (value is null)
            {
                return fallback;
            }
            if (value.Length != 1)
            {
                throw Error(path, $"'{value}' must be exactly one character");
            }
            return value[0];
        }
    }
}
