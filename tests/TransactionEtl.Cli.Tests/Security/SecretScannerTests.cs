using System.Text.Json;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests.Security;

/// <summary>The leak scans are only as good as the scanner: it must find a planted secret in every form it leaves in.</summary>
public sealed class SecretScannerTests
{
    private const string Planted = "pl@nted/secret+value?&=\"x\"";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static SecretScanner Scanner() => new SecretScanner().Add("planted", Planted);

    [Theory]
    [InlineData("as is")]
    [InlineData("percent-encoded")]
    [InlineData("json")]
    [InlineData("json in a log line")]
    public void Finds_a_planted_secret_in_every_form(string form)
    {
        var text = form switch
        {
            "as is" => "error: connecting as " + Planted + " failed",
            "percent-encoded" => "postgres://user:" + Uri.EscapeDataString(Planted) + "@host/db",
            "json" => JsonSerializer.Serialize(new { message = Planted }),
            _ => "{\"level\":\"Error\",\"exceptionMessage\":" + JsonSerializer.Serialize("bad " + Planted, Relaxed) + "}",
        };
        var scanner = Scanner();

        Assert.Equal("planted", Assert.Single(scanner.Find(text)).Label);
        var failure = Assert.Throws<SecretLeakException>(() => scanner.AssertClean("test output", text));
        Assert.Contains("test output leaks planted", failure.Message);
    }

    [Fact]
    public void Passes_text_without_the_secret_and_refuses_to_scan_for_nothing_or_for_short_values()
    {
        Scanner().AssertClean("test output", "error: connecting as *** failed; pl@nted/secret (a prefix is not the secret)");
        Assert.Throws<InvalidOperationException>(() => new SecretScanner().AssertClean("test output", "anything"));
        Assert.Throws<ArgumentException>(() => new SecretScanner().Add("short", "abc123"));
    }
}
