using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.StartWorkflow;
using TransactionEtl.Aws.StepFunctions;
using TransactionEtl.Aws.Tests.Loopback;

namespace TransactionEtl.Aws.Tests.StartWorkflow;

/// <summary>StartWorkflow against a loopback Step Functions endpoint that checks the signature itself.</summary>
public sealed partial class StartWorkflowHandlerTests : IAsyncLifetime, IDisposable
{
    private const string StateMachineArn = "arn:aws:states:eu-west-1:123456789012:stateMachine:txetl-load";
    private readonly LoopbackStepFunctions _sfn = new();
    private readonly HttpClient _http = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sfn.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private StartWorkflowHandler Handler(int maxAttempts = 4, string stateMachineArn = StateMachineArn)
    {
        var options = new StepFunctionsClientOptions(LoopbackStepFunctions.Region, _sfn.Endpoint)
        {
            MaxAttempts = maxAttempts,
            BaseDelay = TimeSpan.FromMilliseconds(5),
            MaxDelay = TimeSpan.FromMilliseconds(20),
        };
        var credentials = new SessionAWSCredentials(LoopbackStepFunctions.AccessKey, LoopbackStepFunctions.SecretKey, LoopbackStepFunctions.SessionToken);
        var client = new StepFunctionsClient(_http, options, credentials, TimeProvider.System, NullLogger<StepFunctionsClient>.Instance);
        return new StartWorkflowHandler(client, stateMachineArn, NullLogger<StartWorkflowHandler>.Instance);
    }

    private static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine("Data", "events", name));

    private static string? NameIn(string requestBody)
    {
        using var body = JsonDocument.Parse(requestBody);
        return body.RootElement.GetProperty("name").GetString();
    }

    private static async Task<JsonElement> InvokeAsync(StartWorkflowHandler handler, string sample)
    {
        var context = LambdaContext.ForLocalInvoke(TimeProvider.System, TimeSpan.FromMinutes(1));
        var response = await handler.HandleAsync(Sample(sample), context, CancellationToken.None);
        return JsonDocument.Parse(response).RootElement.Clone();
    }

    [Fact]
    public async Task Sends_a_signed_AWS_JSON_StartExecution_request()
    {
        await InvokeAsync(Handler(), "s3-put.json");

        var request = Assert.Single(_sfn.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.Path);
        Assert.Equal("AWSStepFunctions.StartExecution", request.Headers["X-Amz-Target"]);
        Assert.Equal("application/x-amz-json-1.0", request.Headers["Content-Type"]);
        Assert.Equal(LoopbackStepFunctions.SessionToken, request.Headers["X-Amz-Security-Token"]);
        Assert.Matches("^[0-9]{8}T[0-9]{6}Z$", request.Headers["X-Amz-Date"]);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={LoopbackStepFunctions.AccessKey}/", request.Headers["Authorization"]);
        Assert.Contains($"/{LoopbackStepFunctions.Region}/states/aws4_request, ", request.Headers["Authorization"]);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,", request.Headers["Authorization"]);
        Assert.True(request.SignatureValid, "the server's recomputed signature differs from the client's");
    }

    [Fact]
    public async Task Sends_the_state_machine_the_deterministic_name_and_the_object_description()
    {
        var result = await InvokeAsync(Handler(), "s3-put.json");

        using var body = JsonDocument.Parse(Assert.Single(_sfn.Requests).Body);
        var root = body.RootElement;
        Assert.Equal(StateMachineArn, root.GetProperty("stateMachineArn").GetString());
        // Pinned, not computed: see Names_are_pinned_to_fixed_vectors.
        const string expectedName = "transactions-2026-11-26_csv-765b14306cb5cba4a438b1c28ec026d5";
        Assert.Equal(expectedName, root.GetProperty("name").GetString());
        using var input = JsonDocument.Parse(root.GetProperty("input").GetString()!);
        Assert.Equal(
            """{"bucket":"txetl-incoming-prod","key":"incoming/2026/11/transactions-2026-11-26.csv","versionId":"3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY","eTag":"0123456789abcdef0123456789abcdef","size":2048,"sequencer":"0065F1A2B3C4D5E6F7","eventTime":"2026-11-26T09:15:02.123Z"}""",
            JsonSerializer.Serialize(input.RootElement));

        var execution = Assert.Single(result.GetProperty("executions").EnumerateArray());
        Assert.Equal($"arn:aws:states:eu-west-1:123456789012:execution:txetl-load:{expectedName}", execution.GetProperty("executionArn").GetString());
        Assert.False(execution.GetProperty("alreadyExisted").GetBoolean());
    }

    /// <summary>
    /// Execution names are the exactly-once key across deployments: a name that changes between two versions
    /// starts a second load of a file delivered again. So the expected names are fixed strings, computed once
    /// outside the production code from the documented rule: the file name with each run of characters outside
    /// <c>[A-Za-z0-9-_]</c> as one <c>_</c>, trimmed of <c>_</c> and <c>-</c> (at most its last 47 characters),
    /// then <c>-</c> and the first 32 lowercase hex digits of SHA-256("bucket\nkey\nversion id or ETag").
    /// A change to the naming fails here; change these vectors only together with a migration note.
    /// </summary>
    [Theory]
    [InlineData("s3-put.json", "incoming/2026/11/transactions-2026-11-26.csv", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
        "transactions-2026-11-26_csv-765b14306cb5cba4a438b1c28ec026d5")]
    [InlineData("s3-put-unversioned-multipart.json", "incoming/big/transactions-2026-11.csv", null,
        "transactions-2026-11_csv-a6a7bbabde45f625ecb20f0b72ddd1ee")]
    [InlineData("s3-put-key-with-spaces.json", "incoming/daily report 2026-11-26.csv", "v-spaces-1",
        "daily_report_2026-11-26_csv-328d85cf4244b857059be106678b0557")]
    [InlineData("s3-put-key-with-plus.json", "incoming/eur+usd rates.csv", "v-plus-1",
        "eur_usd_rates_csv-140e6139eff2fda77251eb5f8c099959")]
    [InlineData("s3-put-unicode-key.json", "incoming/café-zürich/日本-пример.csv", "v-unicode-1",
        "csv-0677b32c41dd428d828cc4c3db1b91b1")]
    public async Task Names_are_pinned_to_fixed_vectors(string sample, string key, string? versionId, string expectedName)
    {
        await InvokeAsync(Handler(), sample);

        using var body = JsonDocument.Parse(Assert.Single(_sfn.Requests).Body);
        Assert.Equal(expectedName, body.RootElement.GetProperty("name").GetString());
        using var input = JsonDocument.Parse(body.RootElement.GetProperty("input").GetString()!);
        Assert.Equal(key, input.RootElement.GetProperty("key").GetString());
        Assert.Equal(versionId, input.RootElement.GetProperty("versionId").GetString());
    }

    [Fact]
    public async Task Names_each_object_of_a_multi_record_event_by_its_pinned_vector()
    {
        var result = await InvokeAsync(Handler(), "s3-multi-record.json");

        Assert.Equal(
            ["a_csv-f2c37706874614a8ae98cd2eba5161ff", "b_file_csv-766f178754e2d83c00517ecdfdb5f5af"],
            _sfn.Requests.Select(r => NameIn(r.Body)).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.GetProperty("executions").GetArrayLength());
    }

    [Theory]
    [InlineData("s3-put-key-with-spaces.json", "incoming/daily report 2026-11-26.csv")]
    [InlineData("s3-put-key-with-plus.json", "incoming/eur+usd rates.csv")]
    [InlineData("s3-put-unicode-key.json", "incoming/café-zürich/日本-пример.csv")]
    public async Task Passes_on_the_decoded_key(string sample, string key)
    {
        await InvokeAsync(Handler(), sample);

        using var body = JsonDocument.Parse(Assert.Single(_sfn.Requests).Body);
        using var input = JsonDocument.Parse(body.RootElement.GetProperty("input").GetString()!);
        Assert.Equal(key, input.RootElement.GetProperty("key").GetString());
        Assert.Matches("^[A-Za-z0-9_-]{1,80}$", body.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Names_unversioned_objects_by_their_ETag()
    {
        await InvokeAsync(Handler(), "s3-put-unversioned-multipart.json");

        using var body = JsonDocument.Parse(Assert.Single(_sfn.Requests).Body);
        // The ETag "d41d8cd98f00b204e9800998ecf8427e-128" stands in for the missing version id.
        Assert.Equal("transactions-2026-11_csv-a6a7bbabde45f625ecb20f0b72ddd1ee", body.RootElement.GetProperty("name").GetString());
        using var input = JsonDocument.Parse(body.RootElement.GetProperty("input").GetString()!);
        Assert.Equal(JsonValueKind.Null, input.RootElement.GetProperty("versionId").ValueKind);
    }

    [Fact]
    public async Task Starts_nothing_new_on_a_duplicate_delivery()
    {
        var handler = Handler();
        await InvokeAsync(handler, "s3-put.json");

        var second = await InvokeAsync(handler, "s3-put.json");

        Assert.Single(_sfn.Executions);
        Assert.Equal(2, _sfn.Requests.Count);
        var execution = Assert.Single(second.GetProperty("executions").EnumerateArray());
        Assert.True(execution.GetProperty("alreadyExisted").GetBoolean());
    }

    [Fact]
    public async Task Starts_one_execution_per_created_object_and_ignores_removals()
    {
        var result = await InvokeAsync(Handler(), "s3-multi-record.json");

        Assert.Equal(2, _sfn.Executions.Count);
        Assert.Equal(2, result.GetProperty("executions").GetArrayLength());
        Assert.Equal(1, result.GetProperty("ignored").GetInt32());
        Assert.Equal(
            ["incoming/a.csv", "incoming/b file.csv"],
            result.GetProperty("executions").EnumerateArray().Select(e => e.GetProperty("key").GetString()));
    }

    [Theory]
    [InlineData("s3-test-event.json")]
    [InlineData("s3-object-removed.json")]
    public async Task Ignores_the_test_event_and_removals_without_calling_Step_Functions(string sample)
    {
        var result = await InvokeAsync(Handler(), sample);

        Assert.Empty(_sfn.Requests);
        Assert.Equal(1, result.GetProperty("ignored").GetInt32());
        Assert.Equal(0, result.GetProperty("executions").GetArrayLength());
    }

    [Fact]
    public async Task Retries_throttling_and_then_starts()
    {
        _sfn.ThrottleNext(2);

        await InvokeAsync(Handler(maxAttempts: 4), "s3-put.json");

        Assert.Equal(3, _sfn.Requests.Count);
        Assert.Single(_sfn.Executions);
        Assert.All(_sfn.Requests, r => Assert.True(r.SignatureValid));
    }

    [Fact]
    public async Task Retries_server_errors_and_then_starts()
    {
        _sfn.FailNext(1);

        await InvokeAsync(Handler(maxAttempts: 4), "s3-put.json");

        Assert.Equal(2, _sfn.Requests.Count);
        Assert.Single(_sfn.Executions);
    }

    [Fact]
    public async Task Fails_with_a_transient_error_when_throttling_outlasts_the_retries()
    {
        _sfn.ThrottleNext(100);

        var error = await Assert.ThrowsAsync<StepFunctionsException>(() => InvokeAsync(Handler(maxAttempts: 3), "s3-put.json"));

        Assert.Equal(3, _sfn.Requests.Count);
        Assert.True(error.IsTransient);
        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal(LambdaError.TransientErrorType, LambdaError.FromException(error).ErrorType);
    }

    [Fact]
    public async Task Does_not_retry_a_rejected_request()
    {
        var options = new StepFunctionsClientOptions(LoopbackStepFunctions.Region, _sfn.Endpoint) { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(5) };
        var credentials = new SessionAWSCredentials(LoopbackStepFunctions.AccessKey, LoopbackStepFunctions.SecretKey, LoopbackStepFunctions.SessionToken);
        var client = new StepFunctionsClient(_http, options, credentials, TimeProvider.System, NullLogger<StepFunctionsClient>.Instance);
        var handler = new StartWorkflowHandler(client, "arn:aws:states:eu-west-1:123456789012:activity:not-a-state-machine", NullLogger<StartWorkflowHandler>.Instance);

        var error = await Assert.ThrowsAsync<StepFunctionsException>(() => InvokeAsync(handler, "s3-put.json"));

        Assert.Single(_sfn.Requests);
        Assert.False(error.IsTransient);
        Assert.Equal("InvalidArn", error.ErrorCode);
        Assert.Equal("TransactionEtl.StepFunctionsError", LambdaError.FromException(error).ErrorType);
    }

    [Fact]
    public async Task Rejects_an_event_that_is_not_an_S3_notification()
    {
        var context = LambdaContext.ForLocalInvoke(TimeProvider.System, TimeSpan.FromMinutes(1));

        var error = await Assert.ThrowsAsync<InvalidS3EventException>(() =>
            Handler().HandleAsync(Encoding.UTF8.GetBytes("""{"Records": [ {"eventName": "ObjectCreated:Put", "s3": {}} ]}"""), context, CancellationToken.None));

        Assert.Contains("s3.bucket.name", error.Message);
        Assert.Empty(_sfn.Requests);
    }
}
