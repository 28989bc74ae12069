using System.Text;
using System.Text.Json.Nodes;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.StartWorkflow;

namespace TransactionEtl.Aws.Tests.StartWorkflow;

/// <summary>
/// StartWorkflow behind an SQS event source mapping with ReportBatchItemFailures: S3 notifications arrive as
/// message bodies, and the response names exactly the messages SQS must deliver again.
/// </summary>
public sealed partial class StartWorkflowHandlerTests
{
    private static string SampleText(string name) => File.ReadAllText(Path.Combine("Data", "events", name));

    /// <summary>An SQS batch as the event source mapping delivers it, one message per (id, body).</summary>
    private static byte[] Batch(params (string Id, string? Body)[] messages)
    {
        var records = new JsonArray();
        foreach (var (id, body) in messages)
        {
            records.Add(new JsonObject
            {
                ["messageId"] = id,
                ["receiptHandle"] = "AQEB" + id,
                ["body"] = body,
                ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "1", ["SentTimestamp"] = "1795691702500" },
                ["messageAttributes"] = new JsonObject(),
                ["md5OfBody"] = "00000000000000000000000000000000",
                ["eventSource"] = "aws:sqs",
                ["eventSourceARN"] = "arn:aws:sqs:eu-central-1:123456789012:txetl-dev-file-events",
                ["awsRegion"] = "eu-central-1",
            });
        }
        return Encoding.UTF8.GetBytes(new JsonObject { ["Records"] = records }.ToJsonString());
    }

    private static async Task<string> InvokeBatchAsync(StartWorkflowHandler handler, byte[] input, CancellationToken cancellationToken = default)
    {
        var context = LambdaContext.ForLocalInvoke(TimeProvider.System, TimeSpan.FromMinutes(1));
        return Encoding.UTF8.GetString(await handler.HandleAsync(input, context, cancellationToken));
    }

    [Fact]
    public async Task A_mixed_batch_reports_only_the_bad_body_and_the_Step_Functions_failure()
    {
        // The first StartExecution (message m-3) is throttled through both attempts; m-4 then starts.
        _sfn.ThrottleNext(2);
        var batch = Batch(
            ("m-1", SampleText("s3-test-event.json")),
            ("m-2", "this is not an S3 notification"),
            ("m-3", SampleText("s3-put.json")),
            ("m-4", SampleText("s3-put-key-with-spaces.json")));

        var response = await InvokeBatchAsync(Handler(maxAttempts: 2), batch);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-2"},{"itemIdentifier":"m-3"}]}""", response);
        Assert.Equal(3, _sfn.Requests.Count);
        Assert.Equal("daily_report_2026-11-26_csv-328d85cf4244b857059be106678b0557", Assert.Single(_sfn.Executions).Key);
    }

    [Fact]
    public async Task A_redelivered_failure_starts_its_execution_and_finds_the_others_already_started()
    {
        _sfn.ThrottleNext(2);
        var batch = Batch(("m-3", SampleText("s3-put.json")), ("m-4", SampleText("s3-put-key-with-spaces.json")));
        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-3"}]}""", await InvokeBatchAsync(Handler(maxAttempts: 2), batch));

        var again = await InvokeBatchAsync(Handler(maxAttempts: 2), batch);

        Assert.Equal("""{"batchItemFailures":[]}""", again);
        Assert.Equal(
            ["daily_report_2026-11-26_csv-328d85cf4244b857059be106678b0557", "transactions-2026-11-26_csv-765b14306cb5cba4a438b1c28ec026d5"],
            _sfn.Executions.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_published_sample_starts_the_same_pinned_execution_as_the_direct_event()
    {
        var response = await InvokeBatchAsync(Handler(), Encoding.UTF8.GetBytes(SampleText("sqs-s3-put.json")));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        // Same name as Names_are_pinned_to_fixed_vectors gives s3-put.json: the queue changes no execution name.
        Assert.Equal("transactions-2026-11-26_csv-765b14306cb5cba4a438b1c28ec026d5", NameIn(Assert.Single(_sfn.Requests).Body));
    }

    [Fact]
    public async Task The_S3_test_event_and_removals_succeed_without_calling_Step_Functions()
    {
        var response = await InvokeBatchAsync(Handler(), Batch(("t", SampleText("s3-test-event.json")), ("r", SampleText("s3-object-removed.json"))));

        Assert.Equal("""{"batchItemFailures":[]}""", response);
        Assert.Empty(_sfn.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("""{"hello":"world"}""")]
    [InlineData("""{"Event":"s3:SomethingElse"}""")]
    [InlineData("""{"Records":[]}""")]
    [InlineData("""{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"}}}]}""")]
    [InlineData("""[1,2,3]""")]
    public async Task A_body_that_is_not_an_S3_notification_fails_only_its_message(string body)
    {
        var response = await InvokeBatchAsync(Handler(), Batch(("bad", body), ("good", SampleText("s3-put.json"))));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"bad"}]}""", response);
        Assert.Single(_sfn.Executions);
    }

    [Fact]
    public async Task A_message_without_a_body_fails_only_its_message()
    {
        var response = await InvokeBatchAsync(Handler(), Batch(("bad", null), ("good", SampleText("s3-put.json"))));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"bad"}]}""", response);
    }

    [Fact]
    public async Task A_rejected_StartExecution_fails_the_message_instead_of_the_batch()
    {
        var handler = Handler(stateMachineArn: "arn:aws:states:eu-west-1:123456789012:activity:not-a-state-machine");

        var response = await InvokeBatchAsync(handler, Batch(("m-1", SampleText("s3-put.json"))));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-1"}]}""", response);
        Assert.Single(_sfn.Requests);
    }

    [Fact]
    public async Task Out_of_time_reports_the_remaining_messages_without_starting_them()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var response = await InvokeBatchAsync(Handler(), Batch(("m-1", SampleText("s3-put.json")), ("m-2", SampleText("s3-put-key-with-spaces.json"))), cancelled.Token);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-1"},{"itemIdentifier":"m-2"}]}""", response);
        Assert.Empty(_sfn.Requests);
    }

    [Fact]
    public async Task A_record_without_a_message_id_fails_the_invocation_rather_than_report_an_empty_identifier()
    {
        var good = JsonNode.Parse(Batch(("m-1", SampleText("s3-put.json"))))!["Records"]![0]!;
        var batch = Encoding.UTF8.GetBytes(new JsonObject { ["Records"] = new JsonArray(good.DeepClone(), new JsonObject { ["eventSource"] = "aws:sqs", ["body"] = "{}" }) }.ToJsonString());

        var error = await Assert.ThrowsAsync<InvalidS3EventException>(() => InvokeBatchAsync(Handler(), batch));

        Assert.Contains("messageId", error.Message);
        Assert.Empty(_sfn.Requests);
    }
}
