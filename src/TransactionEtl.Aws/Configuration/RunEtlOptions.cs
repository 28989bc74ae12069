using TransactionEtl.Aws.Configuration.Internal;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.Configuration;

/// <summary>Settings of the run-etl function, validated once at start.</summary>
internal sealed class RunEtlOptions
{
    /// <summary>Default for <see cref="TimeoutMargin"/>: enough to roll back and record the file as failed.</summary>
    public const int DefaultTimeoutMarginMs = 15_000;

    /// <summary>Where contract objects live in the bucket; a mapped contract outside it is refused at start.</summary>
    public const string ContractsPrefix = "contracts/";

    private RunEtlOptions(string dbSecretId, DatabaseTls tls, TimeSpan timeoutMargin, AwsServiceEndpoints endpoints, string functionName,
        ContractMap contracts, long maxDecompressedBytes, int maxDecompressionRatio)
    {
        Contracts = contracts;
        MaxDecompressedBytes = maxDecompressedBytes;
        MaxDecompressionRatio = maxDecompressionRatio;
        DbSecretId = dbSecretId;
        Tls = tls;
        TimeoutMargin = timeoutMargin;
        Endpoints = endpoints;
        FunctionName = functionName;
    }

    /// <summary>Secret id (name or ARN) of the database secret in RDS's JSON shape.</summary>
    public string DbSecretId { get; }

    /// <summary>TLS mode and root certificates for the database connection.</summary>
    public DatabaseTls Tls { get; }

    /// <summary>PEM bundle of trusted root certificates, or null to use the system store.</summary>
    public string? RootCertificatePath => Tls.RootCertificatePath;

    /// <summary>TLS mode for the database connection.</summary>
    public DbSslMode SslMode => Tls.SslMode;

    /// <summary>How long before the Lambda deadline the load stops, rolls back and records <c>failed</c>.</summary>
    public TimeSpan TimeoutMargin { get; }

    /// <summary>The S3 and Secrets Manager endpoints and the region (SDK conventions).</summary>
    public AwsServiceEndpoints Endpoints { get; }

    /// <summary>The deployed function's name, the metric dimension; <c>run-etl</c> outside Lambda.</summary>
    public string FunctionName { get; }

    /// <summary>Which contract loads which key prefix (<c>TXETL_CONTRACTS</c>); every key the built-in one when unset.</summary>
    public ContractMap Contracts { get; }

    /// <summary>The decompression-bomb guard's size limit in bytes (<c>TXETL_MAX_DECOMPRESSED_MIB</c>); 0 for none.</summary>
    public long MaxDecompressedBytes { get; }

    /// <summary>The decompression-bomb guard's ratio limit (<c>TXETL_MAX_DECOMPRESSION_RATIO</c>); 0 for none.</summary>
    public int MaxDecompressionRatio { get; }

    /// <summary>
    /// Reads and validates the run-etl settings; throws <see cref="ConfigurationException"/> listing every problem.
    /// <c>TXETL_MIGRATION_DB_SECRET_ID</c> is not read: run-etl never migrates, so its role needs no master secret.
    /// </summary>
    /// <param name="lookup">Environment lookup; defaults to the process environment.</param>
    public static RunEtlOptions FromEnvironment(Func<string, string?>? lookup = null)
    {
        var reader = new SettingsReader(lookup ?? Environment.GetEnvironmentVariable);
        var secretId = reader.Required(EnvironmentVariables.DbSecretId, "set it to the name or ARN of the RDS database secret");
        var tls = DatabaseTls.Read(reader);
        var margin = reader.Int(EnvironmentVariables.TimeoutMarginMs, DefaultTimeoutMarginMs, 1_000, 600_000);
        var endpoints = AwsServiceEndpoints.Read(reader);
        var functionName = reader.Optional(EnvironmentVariables.FunctionName) ?? Runtime.LambdaFunctions.RunEtl;
        var contracts = ReadContracts(reader);
        var maxMiB = reader.Int(EnvironmentVariables.MaxDecompressedMiB, (int)(ProcessingOptions.DefaultMaxDecompressedBytes >> 20), 0, int.MaxValue);
        var maxRatio = reader.Int(EnvironmentVariables.MaxDecompressionRatio, ProcessingOptions.DefaultMaxDecompressionRatio, 0, int.MaxValue);
        reader.ThrowIfInvalid("run-etl");
        return new RunEtlOptions(secretId, tls, TimeSpan.FromMilliseconds(margin), endpoints, functionName, contracts, (long)maxMiB << 20, maxRatio);
    }

    private static ContractMap ReadContracts(SettingsReader reader)
    {
        var json = reader.Optional(EnvironmentVariables.Contracts);
        if (json is null)
        {
            return ContractMap.AllBuiltIn;
        }
        ContractMap map;
        try
        {
            map = ContractMap.Parse(json, EnvironmentVariables.Contracts);
        }
        catch (ContractException ex)
        {
            reader.Problem(ex.Message);
            return ContractMap.AllBuiltIn;
        }
        foreach (var (prefix, contract) in map.Entries)
        {
            // The role may read contracts/* only; a key elsewhere (or a folder) would fail every load of the prefix.
            if (contract != ContractMap.BuiltIn && (!contract.StartsWith(ContractsPrefix, StringComparison.Ordinal) || contract.EndsWith('/')))
            {
                reader.Problem($"{EnvironmentVariables.Contracts}: {prefix}: '{contract}' is not an object key under {ContractsPrefix} " +
                    $"(such as {ContractsPrefix}orders.contract.json) nor {ContractMap.BuiltIn}");
            }
        }
        return map;
    }
}
