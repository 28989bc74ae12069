using System.Text;

namespace TransactionEtl.Core.Tests;

public class EncodingContractTests
{
    private static Contract WithEncoding(string encoding) => Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(
        $$"""{ "name": "e", "version": "1", "dialect": { "encoding": "{{encoding}}" }, "fields": [ { "name": "name", "x-txetl": { "normalize": ["nfc"] } } ] }""")), "e.json", null);

    [Fact]
    public async Task Reads_windows_1252_when_the_contract_names_it()
    {
        byte[] bytes = [.. "name\nCaf"u8, 0xE9, (byte)' ', 0x80, (byte)'\n'];
        var (result, sink) = await Engine.RunAsync(bytes, WithEncoding("windows-1252"));
        Assert.Null(result.ErrorCode);
        Assert.Equal("Caf\u00e9 \u20ac", Assert.Single(sink.Valid).Values[0]);
    }

    [Fact]
    public async Task Reads_utf16_and_rejects_broken_utf16()
    {
        var (result, sink) = await Engine.RunAsync(Encoding.Unicode.GetBytes("name\nZo\u00eb\n"), WithEncoding("utf-16le"));
        Assert.Null(result.ErrorCode);
        Assert.Equal("Zo\u00eb", Assert.Single(sink.Valid).Values[0]);

        byte[] broken = [.. Encoding.Unicode.GetBytes("name\nx"), 0x00, 0xD8, .. Encoding.Unicode.GetBytes("y\n")];
        var (bad, _) = await Engine.RunAsync(broken, WithEncoding("utf-16le"));
        Assert.Equal("encoding-error", bad.ErrorCode);
    }

    [Fact]
    public void Refuses_an_unknown_encoding() =>
        Assert.Contains("dialect.encoding: unsupported encoding 'ebcdic-xx'", Assert.Throws<ContractException>(() => WithEncoding("ebcdic-xx")).Message);
}
