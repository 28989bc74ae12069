namespace TransactionEtl.Aws.Configuration;

/// <summary>
/// Every environment variable the Lambda functions and the local invoke read, in one place. Each one is
/// listed with its meaning, default and function in docs/configuration.md; keep the two in step.
/// </summary>
public static class EnvironmentVariables
{
    // Set by the Lambda service (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).

    /// <summary>Which function this process serves: start-workflow, run-etl, notify-chat or migrate.</summary>
    public const string Handler = "_HANDLER";

    /// <summary>host:port of the Lambda Runtime API.</summary>
    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>The X-Ray trace header of the current invocation (Root=...;Parent=...;Sampled=...).</summary>
    public const string TraceId = "_X_AMZN_TRACE_ID";

    /// <summary>The deployed function's name; the one metric dimension.</summary>
    public const string FunctionName = "AWS_LAMBDA_FUNCTION_NAME";

    /// <summary>The region the function runs in.</summary>
    public const string Region = "AWS_REGION";

    /// <summary>Fallback region used by the AWS CLI and SDKs when AWS_REGION is absent (local runs).</summary>
    public const string DefaultRegion = "AWS_DEFAULT_REGION";

    // AWS SDK conventions, read by our own client factories so the same code runs against
    // LocalStack, MinIO or loopback test servers.

    /// <summary>Endpoint for every AWS service unless a service-specific one is set.</summary>
    public const string EndpointUrl = "AWS_ENDPOINT_URL";

    /// <summary>Endpoint for S3 (the object source and the report writer).</summary>
    public const string EndpointUrlS3 = "AWS_ENDPOINT_URL_S3";

    /// <summary>Endpoint for Secrets Manager (GetSecretValue; the SDKs' name for the service id "Secrets Manager").</summary>
    public const string EndpointUrlSecretsManager = "AWS_ENDPOINT_URL_SECRETS_MANAGER";

    /// <summary>Endpoint for Step Functions (StartExecution).</summary>
    public const string EndpointUrlSfn = "AWS_ENDPOINT_URL_SFN";

    /// <summary>Credentials: read by AWSSDK.Core's default credential chain, never by our code.</summary>
    public const string AccessKeyId = "AWS_ACCESS_KEY_ID";

    /// <summary>Credentials: read by AWSSDK.Core's default credential chain, never by our code.</summary>
    public const string SecretAccessKey = "AWS_SECRET_ACCESS_KEY";

    /// <summary>Credentials: read by AWSSDK.Core's default credential chain, never by our code.</summary>
    public const string SessionToken = "AWS_SESSION_TOKEN";

    // The project's own settings (Terraform sets them on each function).

    /// <summary>start-workflow: ARN of the state machine to start.</summary>
    public const string StateMachineArn = "TXETL_STATE_MACHINE_ARN";

    /// <summary>run-etl, migrate: Secrets Manager secret id (name or ARN) of the loader's database secret in RDS's JSON shape.</summary>
    public const string DbSecretId = "TXETL_DB_SECRET_ID";

    /// <summary>
    /// migrate only: secret id of the database master credentials (RDS-managed secret: username and password only);
    /// host, port and dbname come from TXETL_DB_SECRET_ID.
    /// </summary>
    public const string MigrationDbSecretId = "TXETL_MIGRATION_DB_SECRET_ID";

    /// <summary>run-etl, migrate: PEM bundle of the RDS root certificates, for SSL Mode=VerifyFull.</summary>
    public const string DbRootCertificatePath = "TXETL_DB_ROOT_CERT";

    /// <summary>run-etl, migrate: Npgsql SSL Mode; VerifyFull unless a local test database needs Disable.</summary>
    public const string DbSslMode = "TXETL_DB_SSL_MODE";

    /// <summary>run-etl: milliseconds before the Lambda deadline at which the load stops cleanly.</summary>
    public const string TimeoutMarginMs = "TXETL_TIMEOUT_MARGIN_MS";

    /// <summary>run-etl: the decompression-bomb guard's size limit for a compressed object, in MiB (0: none).</summary>
    public const string MaxDecompressedMiB = "TXETL_MAX_DECOMPRESSED_MIB";

    /// <summary>run-etl: the decompression-bomb guard's ratio limit, decompressed per stored byte (0: none).</summary>
    public const string MaxDecompressionRatio = "TXETL_MAX_DECOMPRESSION_RATIO";

    /// <summary>
    /// run-etl: JSON object of key prefixes to contracts (<c>{"incoming/orders/": "contracts/orders.contract.json"}</c>,
    /// or <c>builtin:transactions.contract.json</c>); the longest matching prefix decides, a key under none is rejected
    /// (<c>no-contract</c>). Unset: every key loads with the built-in contract. Terraform sets it from <c>contracts</c>.
    /// </summary>
    public const string Contracts = "TXETL_CONTRACTS";

    /// <summary>notify-chat: secret id of the webhook secret {"slack_webhook_url":..,"teams_webhook_url":..}.</summary>
    public const string ChatSecretId = "TXETL_CHAT_SECRET_ID";

    /// <summary>notify-chat: attempts per webhook post (first try included) before failing for SNS to retry.</summary>
    public const string ChatMaxAttempts = "TXETL_CHAT_MAX_ATTEMPTS";

    /// <summary>notify-chat: longest Retry-After the function waits; a longer one fails at once so SNS retries later.</summary>
    public const string ChatMaxRetryDelaySeconds = "TXETL_CHAT_MAX_RETRY_DELAY_SECONDS";

    /// <summary>All functions: minimum log level (Trace, Debug, Information, Warning, Error, Critical).</summary>
    public const string LogLevel = "TXETL_LOG_LEVEL";

    /// <summary>Local CLI: directory of the embedded local PostgreSQL cluster.</summary>
    public const string Home = "TXETL_HOME";
}
