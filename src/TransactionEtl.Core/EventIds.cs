namespace TransactionEtl.Core;

/// <summary>
/// Every log event id of the product, in one table (as Npgsql's <c>NpgsqlEventId</c>): the ids are documented
/// output (the <c>event_id</c> field of the functions' JSON log lines, docs/configuration.md), so each is
/// assigned here once and every <c>[LoggerMessage]</c> names its constant. <c>EventIdTests</c> fails on a
/// repeated id.
/// </summary>
/// <remarks>
/// <para>
/// The table lives in Core because every product assembly references Core (Postgres, Aws, Cli and the Lambda
/// bootstrap), so any of them can log with an id from here without a reference against the layering. It is
/// plain integer constants: Core takes no logging dependency for it.
/// </para>
/// <para>
/// Ranges: 1000-1099 secrets, 1100-1199 S3, 1200-1299 notify-chat, 1300-1399 reserved for configuration and
/// metrics, 1400-1499 run-etl, 1500-1599 the Lambda runtime loop, 1600-1699 start-workflow and its
/// Step Functions client, 2000-2099 the PostgreSQL loader. A constant is named after its event; where the
/// logged event name (the <c>event</c> field) is a bare method name, the remark says which.
/// </para>
/// </remarks>
public static class EventIds
{
    // 1000-1099: secrets (Aws/Secrets).

    /// <summary>A secret was read from Secrets Manager.</summary>
    public const int SecretRead = 1000;

    /// <summary>A cached secret was dropped; it is read again on next use.</summary>
    public const int SecretInvalidated = 1001;

    /// <summary>The database refused cached credentials (28P01); the secret is read again once.</summary>
    public const int SecretRotationRetry = 1002;

    // 1100-1199: S3 (Aws/S3).

    /// <summary>An S3 object is being streamed.</summary>
    public const int S3ObjectOpened = 1100;

    /// <summary>A report was written to S3.</summary>
    public const int ReportWritten = 1101;

    /// <summary>An unfinished multipart upload of a report was aborted.</summary>
    public const int ReportUploadAborted = 1102;

    // 1200-1299: notify-chat (Aws/NotifyChat).

    /// <summary>An alert arrived from SNS.</summary>
    public const int ChatAlertReceived = 1200;

    /// <summary>A chat message was posted.</summary>
    public const int ChatPosted = 1201;

    /// <summary>A webhook post is retried.</summary>
    public const int ChatRetry = 1202;

    /// <summary>A chat message was not delivered.</summary>
    public const int ChatFailed = 1203;

    /// <summary>The chat secret holds no webhook URL.</summary>
    public const int ChatNoWebhook = 1204;

    /// <summary>An SNS record is not a TransactionEtl alert.</summary>
    public const int ChatRecordSkipped = 1205;

    /// <summary>An alert reached only some channels.</summary>
    public const int ChatPartlyDelivered = 1206;

    // 1300-1399: reserved for configuration and metrics.

    // 1400-1499: run-etl (Aws/RunEtl); 1410-1419 the migrate function (Aws/Migrate); 1420-1429 run-etl's chunked modes.

    /// <summary>run-etl started loading a file.</summary>
    public const int LoadStarted = 1400;

    /// <summary>run-etl finished a file.</summary>
    public const int LoadFinished = 1401;

    /// <summary>run-etl failed to load a file.</summary>
    public const int LoadFailed = 1402;

    /// <summary>run-etl stopped a load before the Lambda deadline.</summary>
    public const int LoadStoppedBeforeDeadline = 1403;

    /// <summary>run-etl read a contract object (first use in the container, or its ETag changed).</summary>
    public const int ContractRead = 1404;

    /// <summary>run-etl rejected a file whose key is under no mapped prefix (no-contract).</summary>
    public const int FileWithoutContract = 1405;

    /// <summary>run-etl planned an object of the workflow's chunked path into chunks and began the attempt.</summary>
    public const int ChunksPlanned = 1420;

    /// <summary>run-etl's plan step found that a large object loads single-stream (and why).</summary>
    public const int LoadsSingleStream = 1421;

    /// <summary>run-etl loaded one chunk of a chunked load into its staging table.</summary>
    public const int ChunkLoaded = 1422;

    /// <summary>run-etl counted a backfill's files by status from its Map Run results (mode backfill-summary).</summary>
    public const int BackfillSummaryCounted = 1430;

    /// <summary>The migrate function applied the migrations.</summary>
    public const int MigrationApplied = 1410;

    /// <summary>The migrate function created or updated the login role.</summary>
    public const int LoaderRoleEnsured = 1411;

    // 1500-1599: the Lambda runtime loop (Aws/Runtime).

    /// <summary>The function's factory failed in Lambda's init phase. Logged as event <c>InitFailed</c>.</summary>
    public const int FunctionInitFailed = 1500;

    /// <summary>An invocation failed. Logged as event <c>InvocationFailed</c>.</summary>
    public const int InvocationFailed = 1501;

    // 1600-1699: start-workflow (Aws/StartWorkflow) and its Step Functions client (Aws/StepFunctions).

    /// <summary>The S3 test event was ignored. Logged as event <c>TestEvent</c>.</summary>
    public const int S3TestEventIgnored = 1600;

    /// <summary>A record that is not ObjectCreated was ignored. Logged as event <c>NotCreated</c>.</summary>
    public const int RecordNotCreatedIgnored = 1601;

    /// <summary>An execution was started for an object. Logged as event <c>Started</c>.</summary>
    public const int ExecutionStarted = 1602;

    /// <summary>The object's execution already existed (duplicate delivery). Logged as event <c>Duplicate</c>.</summary>
    public const int ExecutionDuplicate = 1603;

    /// <summary>The S3 event had no records. Logged as event <c>NoRecords</c>.</summary>
    public const int EventWithoutRecords = 1604;

    /// <summary>StartExecution is retried after throttling or a 5xx. Logged as event <c>Retrying</c>.</summary>
    public const int StartExecutionRetrying = 1610;

    /// <summary>StartExecution found the execution name taken. Logged as event <c>AlreadyExists</c>.</summary>
    public const int ExecutionAlreadyExists = 1611;

    // 2000-2099: the PostgreSQL loader (Postgres/Loading).

    /// <summary>The loader starts a file.</summary>
    public const int LoadStarting = 2000;

    /// <summary>The loader chose the direct or the staging path.</summary>
    public const int LoadPathChosen = 2001;

    /// <summary>Direct COPY fell back to the staging path.</summary>
    public const int FastPathFellBack = 2002;

    /// <summary>The loader finished a file.</summary>
    public const int FileLoadFinished = 2003;

    /// <summary>The file was already loaded.</summary>
    public const int AlreadyLoaded = 2004;

    /// <summary>The load failed and was rolled back.</summary>
    public const int FileLoadFailed = 2005;

    /// <summary>The load was cancelled and rolled back.</summary>
    public const int LoadCancelled = 2006;

    /// <summary>The merge lost a deadlock and is retried.</summary>
    public const int MergeDeadlockRetried = 2007;

    // Appended for the SQS event source of start-workflow (issue 14); in the 1600-1699 range.

    /// <summary>An SQS message of the batch failed and is reported back for redelivery. Logged as event <c>QueueMessageFailed</c>.</summary>
    public const int QueueMessageFailed = 1605;

    /// <summary>An SQS batch was handled. Logged as event <c>QueueBatchHandled</c>.</summary>
    public const int QueueBatchHandled = 1606;
}
