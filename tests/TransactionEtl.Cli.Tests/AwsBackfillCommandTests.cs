using System.Text.Json;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// <c>txetl aws backfill</c> as a process (the AWS SDK reads credentials from the process environment) against a
/// loopback Step Functions endpoint: the signed StartExecution of the backfill state machine with {bucket, prefix}.
/// The signature itself is recomputed by the Aws tests' loopback (BackfillStarterTests).
/// </summary>
public sealed class AwsBackfillCommandTests
{
    private const string StateMachineArn = "arn:aws:states:eu-west-1:123456789012:stateMachine:txetl-prod-backfill";

    private static Dictionary<string, string> Environment(LoopbackHttpServer server) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIDBACKFILLTEST",
        ["AWS_SECRET_ACCESS_KEY"] = "backfill/test/secret",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_ENDPOINT_URL_SFN"] = server.BaseUri.ToString(),
        ["TXETL_BACKFILL_STATE_MACHINE_ARN"] = StateMachineArn,
    };

    [Fact]
    public async Task Starts_the_backfill_with_a_signed_StartExecution_and_prints_the_execution_ARN()
    {
        await using var server = new LoopbackHttpServer((request, _) =>
        {
            using var body = JsonDocument.Parse(request.BodyText);
            var name = body.RootElement.GetProperty("name").GetString();
            return new LoopbackResponse(200, $$"""{"executionArn":"arn:aws:states:eu-west-1:123456789012:execution:txetl-prod-backfill:{{name}}","startDate":1.764158E9}""");
        });

        var result = await CliTestHost.RunProcessAsync(Environment(server), null, "aws", "backfill", "s3://txetl-prod-drop/incoming/2026-11/");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("AWSStepFunctions.StartExecution", request.Headers["X-Amz-Target"]);
        Assert.Matches("^AWS4-HMAC-SHA256 Credential=AKIDBACKFILLTEST/[0-9]{8}/eu-west-1/states/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$",
            request.Headers["Authorization"]);
        using var body = JsonDocument.Parse(request.BodyText);
        Assert.Equal(StateMachineArn, body.RootElement.GetProperty("stateMachineArn").GetString());
        Assert.Equal("""{"bucket":"txetl-prod-drop","prefix":"incoming/2026-11/"}""", body.RootElement.GetProperty("input").GetString());
        var lines = result.Stdout.TrimEnd().Split('\n');
        Assert.Equal("Started the backfill of s3://txetl-prod-drop/incoming/2026-11/.", lines[0].TrimEnd());
        Assert.Matches("^arn:aws:states:eu-west-1:123456789012:execution:txetl-prod-backfill:backfill-[0-9]{8}T[0-9]{6}Z-incoming_2026-11$", lines[^1].TrimEnd());
    }

    [Fact]
    public async Task Without_a_state_machine_or_with_a_bad_prefix_it_is_a_usage_error_and_sends_nothing()
    {
        await using var server = new LoopbackHttpServer((_, _) => new LoopbackResponse(500));
        var noArn = Environment(server);
        noArn["TXETL_BACKFILL_STATE_MACHINE_ARN"] = "";

        var missing = await CliTestHost.RunProcessAsync(noArn, null, "aws", "backfill", "s3://txetl-prod-drop/incoming/");
        var notS3 = await CliTestHost.RunProcessAsync(Environment(server), null, "aws", "backfill", "incoming/2026-11/");

        Assert.Equal(64, missing.ExitCode);
        Assert.Contains("TXETL_BACKFILL_STATE_MACHINE_ARN", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(64, notS3.ExitCode);
        Assert.Contains("s3://bucket/prefix/", notS3.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
