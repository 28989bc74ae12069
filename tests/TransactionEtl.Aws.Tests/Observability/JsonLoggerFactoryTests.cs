using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Tests.Secrets;

namespace TransactionEtl.Aws.Tests.Observability;

public sealed partial class JsonLoggerFactoryTests
{
    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Loaded {Path} in {Ms} ms ({Rate} rows/s, ok={Ok})")]
    private static partial void Loaded(ILogger logger, string path, int ms, double rate, bool ok);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Post failed")]
    private static partial void PostFailed(ILogger logger, Exception exception);

    private const string TraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    [Fact]
    public void A_log_line_carries_level_message_function_context_event_and_trace_id()
    {
        var output = new StringWriter();
        using var factory = new JsonLoggerFactory(output, new LoggingOptions("txetl-run-etl"), new SecretRedactor(), () => TraceHeader);
        var logger = factory.CreateLogger("RunEtl");

        using (logger.BeginScope(new LogContext { ExecutionName = "exec-1", Bucket = "landing", Key = "in/ü file.csv" }))
        using (logger.BeginScope(new LogContext { FileId = "f-42" }))
        {
            logger.S3ObjectOpened("landing", "in/ü file.csv", "v1", 1234);
        }
        logger.ReportWritten("s3://landing/reports/x/summary.json", 10);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(2, lines.Count);
        var first = lines[0];
        Assert.Equal("Information", (string?)first["level"]);
        Assert.Equal("Streaming s3://landing/in/ü file.csv version v1 (1234 bytes)", (string?)first["message"]);
        Assert.Equal("txetl-run-etl", (string?)first["function"]);
        Assert.Equal("exec-1", (string?)first["execution_name"]);
        Assert.Equal("landing", (string?)first["bucket"]);
        Assert.Equal("in/ü file.csv", (string?)first["key"]);
        Assert.Equal("f-42", (string?)first["file_id"]);
        Assert.Equal("1-5759e988-bd862e3fe1be46a994272793", (string?)first["trace_id"]);
        Assert.Equal(1100, (int?)first["event_id"]);
        Assert.Equal("S3ObjectOpened", (string?)first["event"]);
        Assert.Null(lines[1]["execution_name"]);
        Assert.Null(lines[1]["file_id"]);
    }

    [Fact]
    public void Lines_below_the_minimum_level_are_not_written()
    {
        var output = new StringWriter();
        using var factory = new JsonLoggerFactory(output, new LoggingOptions("f", LogLevel.Warning), new SecretRedactor(), () => null);

        factory.CreateLogger("x").ReportWritten("s3://b/k", 1);
        factory.CreateLogger("x").ChatFailed("Slack", "HTTP 500");

        Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Log_lines_never_contain_secret_values_read_through_the_secrets_adapter()
    {
        const string password = "Tr0ub4dor&3-rotated";
        const string webhook = "https://hooks.slack.com/services/T00/B00/xoxb-very-secret";
        await using var secretsManager = new SecretsManagerLoopback((id, _) => id == "db"
            ? $$"""{"host":"db.internal","port":5432,"username":"etl","password":"{{password}}","dbname":"tx"}"""
            : $$"""{"slack_webhook_url":"{{webhook}}"}""");
        var output = new StringWriter();
        var redactor = new SecretRedactor();
        using var factory = new JsonLoggerFactory(output, new LoggingOptions("f"), redactor, () => null);
        var logger = factory.CreateLogger("test");
        var reader = secretsManager.CreateReader(redactor, logger);

        await reader.ReadAsync("db", default);
        await reader.ReadAsync("chat", default);
        // Careless call sites: a secret inside a message argument, an exception message, a scope, an inner exception.
        using (logger.BeginScope(new LogContext { Key = "file-" + password }))
        {
            logger.ChatFailed("Slack", $"POST {webhook} failed");
#pragma warning disable CA1848 // deliberately the careless, non-generated call a future call site might make
            logger.LogError(new InvalidOperationException("outer", new HttpRequestException($"Connection refused ({new Uri(webhook).PathAndQuery})")),
                "password authentication failed for {Password}", password);
#pragma warning restore CA1848
        }

        var text = output.ToString();
        Assert.DoesNotContain(password, text);
        Assert.DoesNotContain("xoxb-very-secret", text);
        Assert.DoesNotContain("/services/T00/B00", text);
        Assert.Equal(2, secretsManager.Server.Requests.Count);
        Assert.Contains(SecretRedactor.Mask, text);
        Assert.Contains("\"event\":\"SecretRead\"", text);
    }

    [Fact]
    public void Secrets_shorter_than_six_characters_are_not_masked_to_avoid_blanking_ordinary_text()
    {
        var redactor = new SecretRedactor();
        redactor.Register("abc");
        redactor.Register("long-enough-secret");

        Assert.Equal("abc *** abc", redactor.Redact("abc long-enough-secret abc"));
    }

    [Fact]
    public void Timestamps_come_from_the_given_clock()
    {
        var output = new StringWriter();
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 26, 9, 30, 1, 250, TimeSpan.Zero));
        using var factory = new JsonLoggerFactory(output, new LoggingOptions("f"), new SecretRedactor(), () => null, clock);

        factory.CreateLogger("x").ReportWritten("s3://b/k", 1);

        Assert.Equal("2026-11-26T09:30:01.250Z", (string?)JsonNode.Parse(output.ToString())!["timestamp"]);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void The_call_sites_named_values_become_typed_fields()
    {
        var output = new StringWriter();
        using (var factory = new JsonLoggerFactory(output, new LoggingOptions("f"), new SecretRedactor(), () => null))
        {
            var logger = factory.CreateLogger("x");
            Loaded(logger, "in/a+b.csv", 12, 1.5, true);
        }

        var line = JsonNode.Parse(output.ToString())!;
        Assert.Equal("Loaded in/a+b.csv in 12 ms (1.5 rows/s, ok=True)", (string?)line["message"]);
        Assert.Equal("in/a+b.csv", (string?)line["Path"]);
        Assert.Equal(12, (int?)line["Ms"]);
        Assert.Equal(1.5, (double?)line["Rate"]);
        Assert.True((bool?)line["Ok"]);
        Assert.Null(line["{OriginalFormat}"]);
        Assert.Contains("a+b.csv", output.ToString()); // relaxed escaping keeps CloudWatch lines readable
    }

    [Fact]
    public void Foreign_exception_messages_keep_only_scheme_and_host_of_URLs()
    {
        var output = new StringWriter();
        using (var factory = new JsonLoggerFactory(output, new LoggingOptions("f"), new SecretRedactor(), () => null))
        {
            var failure = new HttpRequestException("POST https://hooks.slack.com/services/T000/B000/XXXXSECRET?x=1 failed: 500");
            var logger = factory.CreateLogger("x");
            PostFailed(logger, failure);
        }

        var exception = JsonNode.Parse(output.ToString())!["exception"]!;
        Assert.Equal("POST https://hooks.slack.com/[redacted] failed: 500", (string?)exception["message"]);
        Assert.DoesNotContain("SECRET", output.ToString());
    }
}
