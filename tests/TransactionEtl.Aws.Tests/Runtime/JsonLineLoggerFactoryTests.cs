using System.Text.Json;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Runtime;

namespace TransactionEtl.Aws.Tests.Runtime;

public sealed partial class JsonLineLoggerFactoryTests
{
    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Loaded {Key} in {Ms} ms")]
    private static partial void Loaded(ILogger logger, string key, int ms);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Post failed")]
    private static partial void PostFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "quiet")]
    private static partial void Quiet(ILogger logger);

    [Fact]
    public void Writes_one_JSON_object_per_line_with_the_structured_fields()
    {
        using var writer = new StringWriter();
        using (var factory = new JsonLineLoggerFactory(writer))
        {
            var logger = factory.CreateLogger("test");
            Loaded(logger, "in/a+b.csv", 12);
        }

        var line = Assert.Single(writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("Information", json.GetProperty("level").GetString());
        Assert.Equal(7, json.GetProperty("eventId").GetInt32());
        Assert.Equal("Loaded in/a+b.csv in 12 ms", json.GetProperty("message").GetString());
        Assert.Equal("in/a+b.csv", json.GetProperty("Key").GetString());
        Assert.Contains("a+b.csv", line); // relaxed escaping keeps CloudWatch lines readable
    }

    [Fact]
    public void Keeps_only_scheme_and_host_of_URLs_in_foreign_exception_messages()
    {
        using var writer = new StringWriter();
        using (var factory = new JsonLineLoggerFactory(writer))
        {
            var logger = factory.CreateLogger("test");
            var failure = new HttpRequestException("POST https://hooks.slack.com/services/T000/B000/XXXXSECRET?x=1 failed: 500");
            PostFailed(logger, failure);
        }

        var json = JsonDocument.Parse(writer.ToString()).RootElement;
        Assert.Equal("POST https://hooks.slack.com/[redacted] failed: 500", json.GetProperty("exceptionMessage").GetString());
        Assert.DoesNotContain("SECRET", writer.ToString());
    }

    [Fact]
    public void Leaves_out_levels_below_the_minimum()
    {
        using var writer = new StringWriter();
        using (var factory = new JsonLineLoggerFactory(writer, LogLevel.Warning))
        {
            var logger = factory.CreateLogger("test");
            Quiet(logger);
        }

        Assert.Equal(string.Empty, writer.ToString());
    }
}
