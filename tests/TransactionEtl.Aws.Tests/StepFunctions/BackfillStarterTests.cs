using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using TransactionEtl.Aws.StepFunctions;
using TransactionEtl.Aws.Tests.Loopback;

namespace TransactionEtl.Aws.Tests.StepFunctions;

/// <summary>
/// <c>txetl aws backfill</c>'s StartExecution against the loopback Step Functions endpoint, which recomputes the
/// SigV4 signature: the backfill state machine, a readable name, and the input {bucket, prefix} the Distributed
/// Map's ItemReader lists.
/// </summary>
public sealed class BackfillStarterTests : IAsyncLifetime, IDisposable
{
    private const string StateMachineArn = "arn:aws:states:eu-west-1:123456789012:stateMachine:txetl-prod-backfill";
    private readonly LoopbackStepFunctions _sfn = new();
    private readonly HttpClient _http = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sfn.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private BackfillStarter Starter(Dictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>(environment ?? []) { ["AWS_ENDPOINT_URL_SFN"] = _sfn.Endpoint.ToString() };
        var credentials = new SessionAWSCredentials(LoopbackStepFunctions.AccessKey, LoopbackStepFunctions.SecretKey, LoopbackStepFunctions.SessionToken);
        return new BackfillStarter(_http, name => variables.GetValueOrDefault(name), credentials, TimeProvider.System, NullLoggerFactory.Instance);
    }

    [Fact]
    public async Task Starts_the_backfill_state_machine_with_a_signed_request_and_the_prefix_as_input()
    {
        var started = await Starter().StartAsync(BackfillTarget.Parse("s3://txetl-prod-drop/incoming/2026-11/"), StateMachineArn, null, CancellationToken.None);

        var request = Assert.Single(_sfn.Requests);
        Assert.Equal("AWSStepFunctions.StartExecution", request.Headers["X-Amz-Target"]);
        Assert.Contains($"/{LoopbackStepFunctions.Region}/states/aws4_request, ", request.Headers["Authorization"]);
        Assert.True(request.SignatureValid, "the server's recomputed signature differs from the client's");
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(StateMachineArn, body.RootElement.GetProperty("stateMachineArn").GetString());
        var name = body.RootElement.GetProperty("name").GetString()!;
        Assert.Matches("^backfill-[0-9]{8}T[0-9]{6}Z-incoming_2026-11$", name);
        using var input = JsonDocument.Parse(body.RootElement.GetProperty("input").GetString()!);
        Assert.Equal("""{"bucket":"txetl-prod-drop","prefix":"incoming/2026-11/"}""", input.RootElement.GetRawText());
        Assert.Equal($"arn:aws:states:eu-west-1:123456789012:execution:txetl-prod-backfill:{name}", started.ExecutionArn);
        Assert.False(started.AlreadyExisted);
    }

    [Fact]
    public async Task The_state_machine_comes_from_the_environment_and_a_given_name_starts_once()
    {
        var starter = Starter(new() { [BackfillStarter.StateMachineArnVariable] = StateMachineArn });
        var target = BackfillTarget.Parse("s3://txetl-prod-drop/incoming/");

        var first = await starter.StartAsync(target, null, "after-outage-1", CancellationToken.None);
        var second = await starter.StartAsync(target, null, "after-outage-1", CancellationToken.None);

        Assert.False(first.AlreadyExisted);
        Assert.True(second.AlreadyExisted);
        Assert.Equal(first.ExecutionArn, second.ExecutionArn);
        Assert.Single(_sfn.Executions);
        Assert.All(_sfn.Requests, r => Assert.Contains("\"stateMachineArn\":\"" + StateMachineArn + "\"", r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_state_machine_ARN_nothing_is_sent()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Starter().StartAsync(BackfillTarget.Parse("s3://txetl-prod-drop/incoming/"), null, null, CancellationToken.None));
        Assert.Contains(BackfillStarter.StateMachineArnVariable, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Starter().StartAsync(BackfillTarget.Parse("s3://txetl-prod-drop/incoming/"), "arn:aws:lambda:eu-west-1:123456789012:function:x", null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Starter().StartAsync(BackfillTarget.Parse("s3://txetl-prod-drop/incoming/"), StateMachineArn, "no spaces allowed", CancellationToken.None));
        Assert.Empty(_sfn.Requests);
    }

    [Theory]
    [InlineData("s3://txetl-prod-drop/incoming/2026-11/", "txetl-prod-drop", "incoming/2026-11/")]
    [InlineData("s3://txetl-prod-drop/incoming/2026", "txetl-prod-drop", "incoming/2026")]
    [InlineData("s3://txetl-prod-drop", "txetl-prod-drop", "")]
    [InlineData("s3://txetl-prod-drop/", "txetl-prod-drop", "")]
    public void Parses_the_bucket_and_the_literal_prefix(string uri, string bucket, string prefix)
    {
        var target = BackfillTarget.Parse(uri);
        Assert.Equal(bucket, target.Bucket);
        Assert.Equal(prefix, target.Prefix);
    }

    [Theory]
    [InlineData("incoming/2026-11/")]
    [InlineData("https://txetl-prod-drop.s3.amazonaws.com/incoming/")]
    [InlineData("s3://")]
    [InlineData("s3://Upper_Case/incoming/")]
    [InlineData("s3://txetl-prod-drop/incoming/*.csv")]
    public void Refuses_what_is_not_a_bucket_and_prefix(string uri) =>
        Assert.Throws<ArgumentException>(() => BackfillTarget.Parse(uri));

    [Fact]
    public void Default_names_fit_Step_Functions_limits()
    {
        var now = new DateTimeOffset(2026, 11, 26, 10, 15, 0, TimeSpan.Zero);
        Assert.Equal("backfill-20261126T101500Z", BackfillStarter.DefaultName(BackfillTarget.Parse("s3://b-1/"), now));
        var longName = BackfillStarter.DefaultName(BackfillTarget.Parse("s3://b-1/incoming/" + new string('x', 100) + "/ä b/"), now);
        Assert.Equal(80, longName.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", longName);
    }
}
