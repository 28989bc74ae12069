using System.Text.Json;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests.Commands;

/// <summary>
/// <c>txetl lambda invoke</c> from a real argv. These tests set process environment variables (the
/// handlers read their configuration there), so they do not run in parallel with each other.
/// </summary>
[Collection(nameof(LambdaInvokeCommandTests))]
[CollectionDefinition(nameof(LambdaInvokeCommandTests), DisableParallelization = true)]
public sealed class LambdaInvokeCommandTests : IDisposable
{
    /// <summary>Every variable a test sets, put back as it was when the test ends.</summary>
    private readonly ProcessEnvironment _environment = new();

    /// <summary>Standard error of every run: the handler's JSON log lines and metrics.</summary>
    private readonly StringWriter _log = new();

    /// <summary>Standard input of the next run.</summary>
    private TextReader _input = TextReader.Null;

    public void Dispose()
    {
        _environment.Dispose();
        _log.Dispose();
    }

    private void Configure(string endpoint)
    {
        _environment.Set("TXETL_STATE_MACHINE_ARN", "arn:aws:states:eu-west-1:123456789012:stateMachine:txetl-load");
        _environment.Set("AWS_REGION", "eu-west-1");
        _environment.Set("AWS_ENDPOINT_URL_SFN", endpoint);
        _environment.Set("AWS_ACCESS_KEY_ID", "AKIDCLITEST");
        _environment.Set("AWS_SECRET_ACCESS_KEY", "cli-test-secret");
        _environment.Set("AWS_SESSION_TOKEN", "cli-test-token");
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var result = await CliTestHost.RunAsync(null, AppContext.BaseDirectory, _input, args);
        await _log.WriteAsync(result.Stderr);
        return (result.ExitCode, result.Stdout.Trim());
    }

    [Fact]
    public async Task Run_etl_names_its_missing_database_secret_setting()
    {
        _environment.Set("TXETL_DB_SECRET_ID", null);

        var (exit, output) = await RunAsync("lambda", "invoke", "run-etl", "--event", "Data/events/s3-put.json");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("TransactionEtl.ConfigurationError", json.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("TXETL_DB_SECRET_ID", json.RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Names_the_known_functions_for_an_unknown_one()
    {
        var (exit, output) = await RunAsync("lambda", "invoke", "start-wrokflow");

        Assert.Equal(1, exit);
        Assert.Contains("start-workflow, run-etl, notify-chat", JsonDocument.Parse(output).RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Prints_Lambdas_error_shape_when_the_configuration_is_missing()
    {
        _environment.Set("TXETL_STATE_MACHINE_ARN", null);

        var (exit, output) = await RunAsync("lambda", "invoke", "start-workflow", "--event", "Data/events/s3-put.json");

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("TransactionEtl.ConfigurationError", json.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("TXETL_STATE_MACHINE_ARN", json.RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Prints_the_response_of_the_S3_test_event_which_starts_nothing()
    {
        Configure("http://127.0.0.1:9/");

        var (exit, output) = await RunAsync("lambda", "invoke", "start-workflow", "--event", "Data/events/s3-test-event.json");

        Assert.Equal(0, exit);
        Assert.Equal("""{"executions":[],"ignored":1}""", output);
        Assert.Contains("Ignoring the S3 test event for bucket txetl-incoming-prod", _log.ToString());
    }

    [Fact]
    public async Task Reads_the_event_from_standard_input_and_reports_a_bad_one_as_an_error()
    {
        Configure("http://127.0.0.1:9/");
        _input = new StringReader("this is not json");

        var (exit, output) = await RunAsync("lambda", "invoke", "start-workflow", "--event=-");

        Assert.Equal(1, exit);
        Assert.Equal("TransactionEtl.InvalidS3EventError", JsonDocument.Parse(output).RootElement.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task Reports_a_missing_event_file()
    {
        var (exit, output) = await RunAsync("lambda", "invoke", "start-workflow", "--event", "no/such/event.json");

        Assert.Equal(1, exit);
        Assert.Contains("no/such/event.json", JsonDocument.Parse(output).RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Starts_an_execution_on_a_loopback_Step_Functions_endpoint_and_prints_the_result()
    {
        var served = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stepFunctions = new LoopbackHttpServer(async context =>
        {
            var bytes = """{"executionArn":"arn:aws:states:eu-west-1:123456789012:execution:txetl-load:x","startDate":1.7E9}"""u8.ToArray();
            context.Response.StatusCode = 200;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
            served.TrySetResult(context.Request.Headers["X-Amz-Target"]);
        });
        Configure(stepFunctions.BaseUri.ToString());

        var (exit, output) = await RunAsync("lambda", "invoke", "start-workflow", "--event", "Data/events/s3-put-key-with-spaces.json");

        Assert.Equal(0, exit);
        Assert.Equal("AWSStepFunctions.StartExecution", await served.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        var execution = JsonDocument.Parse(output).RootElement.GetProperty("executions")[0];
        Assert.Equal("incoming/daily report 2026-11-26.csv", execution.GetProperty("key").GetString());
        Assert.Equal("arn:aws:states:eu-west-1:123456789012:execution:txetl-load:x", execution.GetProperty("executionArn").GetString());
    }
}
