using System.Text.Json;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.Tests.Loopback;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Runtime;

/// <summary>
/// The runtime loop against a loopback server that speaks the Lambda Runtime API protocol. The loop sets
/// <c>_X_AMZN_TRACE_ID</c> in the process environment per invocation, as Lambda's own does: the class runs
/// with no other test at the same time and puts the variable back after each test.
/// </summary>
[Collection(ProcessEnvironmentWriters.Name)]
public sealed class LambdaRuntimeHostTests : IDisposable
{
    private readonly ProcessEnvironment _environment = new ProcessEnvironment().Keep(EnvironmentVariables.TraceId);

    public void Dispose() => _environment.Dispose();

    private static readonly LambdaFunctionServices Services =
        new(NullLoggerFactory.Instance, TimeProvider.System, _ => null);

    private static async Task<(Task<int> Loop, CancellationTokenSource Stop, LambdaRuntimeClient Client)> StartAsync(
        LoopbackRuntimeApi api, LambdaHandler handler)
    {
        var client = new LambdaRuntimeClient(api.HostPort);
        var stop = new CancellationTokenSource();
        var loop = Task.Run(() => LambdaRuntimeHost.RunAsync(client, (_, _) => ValueTask.FromResult(handler), Services, stop.Token));
        await Task.Yield();
        return (loop, stop, client);
    }

    private static async Task StopAsync(Task<int> loop, CancellationTokenSource stop, LambdaRuntimeClient client)
    {
        await stop.CancelAsync();
        Assert.Equal(0, await loop.WaitAsync(TimeSpan.FromSeconds(30)));
        client.Dispose();
        stop.Dispose();
    }

    [Fact]
    public async Task Posts_the_handler_response_for_the_request_id_it_was_given()
    {
        await using var api = new LoopbackRuntimeApi();
        api.Enqueue("req-1", """{"n":41}""");
        var (loop, stop, client) = await StartAsync(api, (input, ctx, ct) =>
        {
            var n = JsonDocument.Parse(input).RootElement.GetProperty("n").GetInt32();
            return Task.FromResult(Encoding.UTF8.GetBytes($$"""{"n":{{n + 1}},"id":"{{ctx.RequestId}}"}"""));
        });

        var report = await api.NextReportAsync();

        Assert.Equal(RuntimeReportKind.Response, report.Kind);
        Assert.Equal("req-1", report.RequestId);
        Assert.Equal("""{"n":42,"id":"req-1"}""", report.Body);
        Assert.StartsWith("application/json", report.ContentType);
        await StopAsync(loop, stop, client);
    }

    [Fact]
    public async Task Serves_invocations_one_after_another()
    {
        await using var api = new LoopbackRuntimeApi();
        api.Enqueue("a", "\"first\"");
        api.Enqueue("b", "\"second\"");
        var (loop, stop, client) = await StartAsync(api, (input, ctx, ct) => Task.FromResult(input.ToArray()));

        var first = await api.NextReportAsync();
        var second = await api.NextReportAsync();

        Assert.Equal(("a", "\"first\""), (first.RequestId, first.Body));
        Assert.Equal(("b", "\"second\""), (second.RequestId, second.Body));
        await StopAsync(loop, stop, client);
    }

    [Fact]
    public async Task Reports_a_validation_failure_with_its_stable_error_type_in_header_and_body()
    {
        await using var api = new LoopbackRuntimeApi();
        api.Enqueue("req-err", "{}");
        var (loop, stop, client) = await StartAsync(api, (_, _, _) =>
            throw new ValidationException("file.csv line 3, column amount: 'abc' is not a decimal; hint: use 12.34"));

        var report = await api.NextReportAsync();

        Assert.Equal(RuntimeReportKind.Error, report.Kind);
        Assert.Equal("req-err", report.RequestId);
        Assert.Equal("TransactionEtl.ValidationError", report.ErrorType);
        using var json = JsonDocument.Parse(report.Body);
        Assert.Equal("TransactionEtl.ValidationError", json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("file.csv line 3, column amount: 'abc' is not a decimal; hint: use 12.34", json.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("stackTrace").ValueKind);
        await StopAsync(loop, stop, client);
    }

    [Fact]
    public async Task Reports_transient_failures_as_TransactionEtl_TransientError()
    {
        await using var api = new LoopbackRuntimeApi();
        api.Enqueue("req-t", "{}");
        var (loop, stop, client) = await StartAsync(api, (_, _, _) => throw new FlakyDatabaseException("connection reset by peer; retry"));

        var report = await api.NextReportAsync();

        Assert.Equal("TransactionEtl.TransientError", report.ErrorType);
        Assert.Contains("\"errorType\":\"TransactionEtl.TransientError\"", report.Body);
        await StopAsync(loop, stop, client);
    }

    [Fact]
    public async Task Does_not_pass_on_the_message_of_a_foreign_exception_which_may_hold_a_secret()
    {
        await using var api = new LoopbackRuntimeApi();
        api.Enqueue("req-f", "{}");
        var (loop, stop, client) = await StartAsync(api, (_, _, _) =>
            throw new HttpRequestException("POST https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX failed"));

        var report = await api.NextReportAsync();

        Assert.Equal("TransactionEtl.Error", report.ErrorType);
        Assert.DoesNotContain("SECRET", report.Body);
        Assert.Contains("HttpRequestException", report.Body);
        await StopAsync(loop, stop, client);
    }

    [Fact]
    public async Task Reports_an_init_error_and_asks_for_no_event_when_the_function_cannot_start()
    {
        await using var api = new LoopbackRuntimeApi();
        using var client = new LambdaRuntimeClient(api.HostPort);

        var exit = await LambdaRuntimeHost.RunAsync(
            client,
            (_, _) => throw new ConfigurationException("TXETL_STATE_MACHINE_ARN is not set."),
            Services,
            CancellationToken.None);

        Assert.Equal(1, exit);
        var report = await api.NextReportAsync();
        Assert.Equal(RuntimeReportKind.InitError, report.Kind);
        Assert.Equal("TransactionEtl.ConfigurationError", report.ErrorType);
        Assert.Contains("TXETL_STATE_MACHINE_ARN is not set.", report.Body);
        Assert.Equal(0, api.NextRequests);
    }

    [Fact]
    public async Task Gives_the_handler_deadline_function_arn_and_trace_id_and_sets_the_trace_environment_variable()
    {
        await using var api = new LoopbackRuntimeApi();
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(3).ToUnixTimeMilliseconds());
        const string trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
        const string arn = "arn:aws:lambda:eu-west-1:123456789012:function:txetl-start-workflow";
        api.Enqueue("req-ctx", "{}", deadline, trace, arn);
        api.Enqueue("req-ctx2", "{}", deadline, "Root=1-00000000-000000000000000000000002", arn);
        LambdaContext? seen = null;
        string? envTrace = null;
        string? envTraceSecond = null;
        var (loop, stop, client) = await StartAsync(api, (_, ctx, _) =>
        {
            if (ctx.RequestId == "req-ctx")
            {
                seen = ctx;
                envTrace = Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID");
            }
            else
            {
                envTraceSecond = Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID");
            }
            return Task.FromResult("{}"u8.ToArray());
        });

        await api.NextReportAsync();
        await api.NextReportAsync();

        Assert.NotNull(seen);
        Assert.Equal(deadline, seen.Deadline);
        Assert.Equal(arn, seen.InvokedFunctionArn);
        Assert.Equal(trace, seen.TraceId);
        Assert.Equal(trace, envTrace);
        Assert.Equal("Root=1-00000000-000000000000000000000002", envTraceSecond);
        await StopAsync(loop, stop, client);
    }

    [Fact]
    public async Task Cancels_the_handler_before_the_deadline_and_reports_a_transient_timeout()
    {
        await using var api = new LoopbackRuntimeApi();
        api.Enqueue("req-slow", "{}", DateTimeOffset.UtcNow.AddSeconds(2));
        var (loop, stop, client) = await StartAsync(api, async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return [];
        });

        var report = await api.NextReportAsync();

        Assert.Equal(RuntimeReportKind.Error, report.Kind);
        Assert.Equal("TransactionEtl.TransientError", report.ErrorType);
        Assert.Contains("deadline", report.Body);
        await StopAsync(loop, stop, client);
    }

    [Fact]
    public async Task Waits_on_next_while_Lambda_has_no_event_and_serves_the_one_that_comes_later()
    {
        await using var api = new LoopbackRuntimeApi();
        var (loop, stop, client) = await StartAsync(api, (input, _, _) => Task.FromResult(input.ToArray()));

        await api.FirstNext.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The runtime is parked in GET /next; hold the event back a while before handing it out.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(api.TryReadReport(out _));
        Assert.Equal(1, api.NextRequests);
        api.Enqueue("late", "\"late event\"");

        var report = await api.NextReportAsync();
        Assert.Equal(("late", "\"late event\""), (report.RequestId, report.Body));
        await StopAsync(loop, stop, client);
    }

    [Fact]
    public void Waits_on_next_without_a_client_timeout()
    {
        using var http = new HttpClient();
        using var client = new LambdaRuntimeClient("127.0.0.1:9001", http);

        Assert.Equal(Timeout.InfiniteTimeSpan, http.Timeout);
    }

    [Fact]
    public async Task Fails_loudly_when_the_runtime_api_rejects_a_report()
    {
        await using var api = new LoopbackRuntimeApi();
        using var client = new LambdaRuntimeClient(api.HostPort);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            client.SendResponseAsync("never-handed-out", "{}"u8.ToArray(), CancellationToken.None));

        Assert.Contains("400", error.Message);
        Assert.Contains("InvalidRequestID", error.Message);
    }
}
