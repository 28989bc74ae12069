using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace TransactionEtl.Core.Samples;

/// <summary>
/// The smallest .xlsx Excel and ExcelDataReader open: the six required parts of a workbook, numbers as numbers,
/// dates as serials with a built-in date style, every other cell an inline string. Written part by part to a
/// ZIP stream, one row at a time; the workbook parts come first, so a reader looking at the first bytes sees xl/.
/// </summary>
internal static class XlsxWriter
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string Pkg = "http://schemas.openxmlformats.org/package/2006/relationships";

    // Style 1: built-in number format 14 (a date); style 2: 22 (a date and time). Both read back as DateTime.
    private const string Styles =
        $"<styleSheet xmlns=\"{Main}\"><fonts count=\"1\"><font/></fonts><fills count=\"1\"><fill/></fills><borders count=\"1\"><border/></borders>" +
        "<cellStyleXfs count=\"1\"><xf/></cellStyleXfs><cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>" +
        "<xf numFmtId=\"22\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>";

    public static void Write(Stream output, IReadOnlyList<(string Name, IEnumerable<IReadOnlyList<string>> Rows)> sheets)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        Part(zip, "[Content_Types].xml", ContentTypes(sheets.Count));
        Part(zip, "_rels/.rels",
            $"<Relationships xmlns=\"{Pkg}\"><Relationship Id=\"rId1\" Type=\"{Rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
        Part(zip, "xl/workbook.xml", Workbook(sheets));
        Part(zip, "xl/_rels/workbook.xml.rels", WorkbookRels(sheets.Count));
        Part(zip, "xl/styles.xml", Styles);
        for (int s = 0; s < sheets.Count; s++)
        {
            using var part = zip.CreateEntry($"xl/worksheets/sheet{s + 1}.xml", CompressionLevel.Fastest).Open();
            using var writer = new StreamWriter(part, new UTF8Encoding(false), 1 << 16);
            WriteSheet(writer, sheets[s].Rows);
        }
    }

    private static void WriteSheet(TextWriter w, IEnumerable<IReadOnlyList<string>> rows)
    {
        w.Write($"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><worksheet xmlns=\"{Main}\"><sheetData>");
        int r = 0;
        foreach (var row in rows)
        {
            r++;
            w.Write($"<row r=\"{r}\">");
            for (int c = 0; c < row.Count; c++)
            {
                Cell(w, $"{Column(c)}{r}", row[c]);
            }
            w.Write("</row>");
        }
        w.Write("</sheetData></worksheet>");
    }

    private static void Cell(TextWriter w, string at, string text)
    {
        if (text.Length == 0)
        {
            return;
        }
        if (TypedCell.TryNumber(text, out double number))
        {
            w.Write($"<c r=\"{at}\"><v>{number.ToString("R", CultureInfo.InvariantCulture)}</v></c>");
        }
        else if (TypedCell.TryExcelDate(text, out double serial))
        {
            string style = text.Length == 10 ? "1" : "2";
            w.Write($"<c r=\"{at}\" s=\"{style}\"><v>{serial.ToString("R", CultureInfo.InvariantCulture)}</v></c>");
        }
        else
        {
            w.Write($"<c r=\"{at}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{Escape(text)}</t></is></c>");
        }
    }

    /// <summary>XML text; a character XML 1.0 cannot hold is written as Excel does, _xHHHH_.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (char ch in text)
        {
            _ = ch switch
            {
                '&' => sb.Append("&amp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                < ' ' and not ('\t' or '\n' or '\r') or '\uFFFE' or '\uFFFF' => sb.Append($"_x{(int)ch:X4}_"),
                _ => sb.Append(ch),
            };
        }
        return sb.ToString();
    }

    private static string Column(int index)
    {
        string name = "";
        for (int n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }
        return name;
    }

    private static string ContentTypes(int sheets)
    {
        var sb = new StringBuilder("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">");
        sb.Append("<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>");
        sb.Append("<Default Extension=\"xml\" ContentType=\"application/xml\"/>");
        sb.Append("<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
        sb.Append("<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>");
        for (int s = 1; s <= sheets; s++)
        {
            sb.Append($"<Override PartName=\"/xl/worksheets/sheet{s}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>");
        }
        return sb.Append("</Types>").ToString();
    }

    private static string Workbook(IReadOnlyList<(string Name, IEnumerable<IReadOnlyList<string>> Rows)> sheets)
    {
        var sb = new StringBuilder($"<workbook xmlns=\"{Main}\" xmlns:r=\"{Rel}\"><sheets>");
        for (int s = 0; s < sheets.Count; s++)
        {
            sb.Append($"<sheet name=\"{Escape(sheets[s].Name)}\" sheetId=\"{s + 1}\" r:id=\"rId{s + 1}\"/>");
        }
        return sb.Append("</sheets></workbook>").ToString();
    }

    private static string WorkbookRels(int sheets)
    {
        var sb = new StringBuilder($"<Relationships xmlns=\"{Pkg}\">");
        for (int s = 1; s <= sheets; s++)
        {
            sb.Append($"<Relationship Id=\"rId{s}\" Type=\"{Rel}/worksheet\" Target=\"worksheets/sheet{s}.xml\"/>");
        }
        sb.Append($"<Relationship Id=\"rId{sheets + 1}\" Type=\"{Rel}/styles\" Target=\"styles.xml\"/>");
        return sb.Append("</Relationships>").ToString();
    }

    private static void Part(ZipArchive zip, string name, string xml)
    {
        using var part = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        using var writer = new StreamWriter(part, new UTF8Encoding(false));
        writer.Write(xml);
    }
}
