using System.Reflection;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Configuration;

public sealed class OptionsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Name, v => (string?)v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void Every_environment_variable_is_documented_in_docs_configuration()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "configuration.md"));
        var names = typeof(EnvironmentVariables).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.True(names.Count >= 20, $"only {names.Count} constants found");
        Assert.All(names, name => Assert.Contains($"`{name}`", doc));
    }

    [Fact]
    public void Run_etl_options_report_every_problem_at_once()
    {
        var ex = Assert.Throws<ConfigurationException>(() => RunEtlOptions.FromEnvironment(Env(
            (EnvironmentVariables.TimeoutMarginMs, "soon"),
            (EnvironmentVariables.DbSslMode, "Prefer"))));

        Assert.Contains("TXETL_DB_SECRET_ID is not set", ex.Message);
        Assert.Contains("TXETL_TIMEOUT_MARGIN_MS='soon' is not a whole number from 1000 to 600000", ex.Message);
        Assert.Contains("TXETL_DB_SSL_MODE='Prefer' is not one of Disable, VerifyFull", ex.Message);
        Assert.Contains("docs/configuration.md", ex.Message);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public void Run_etl_options_need_the_root_certificate_for_verify_full()
    {
        var ex = Assert.Throws<ConfigurationException>(() => RunEtlOptions.FromEnvironment(Env((EnvironmentVariables.DbSecretId, "prod/db"))));
        Assert.Contains("VerifyFull needs TXETL_DB_ROOT_CERT", ex.Message);

        var missing = Assert.Throws<ConfigurationException>(() => RunEtlOptions.FromEnvironment(Env(
            (EnvironmentVariables.DbSecretId, "prod/db"), (EnvironmentVariables.DbRootCertificatePath, "/nonexistent/global-bundle.pem"))));
        Assert.Contains("'/nonexistent/global-bundle.pem' does not exist", missing.Message);
    }

    [Fact]
    public void Migrate_options_need_both_secrets_and_report_every_problem_at_once()
    {
        var ex = Assert.Throws<ConfigurationException>(() => MigrateOptions.FromEnvironment(Env((EnvironmentVariables.DbSslMode, "Prefer"))));
        Assert.Contains("migrate configuration is invalid", ex.Message);
        Assert.Contains("TXETL_DB_SECRET_ID is not set", ex.Message);
        Assert.Contains("TXETL_MIGRATION_DB_SECRET_ID is not set", ex.Message);
        Assert.Contains("TXETL_DB_SSL_MODE='Prefer' is not one of Disable, VerifyFull", ex.Message);

        var same = Assert.Throws<ConfigurationException>(() => MigrateOptions.FromEnvironment(Env(
            (EnvironmentVariables.DbSecretId, "arn:s"), (EnvironmentVariables.MigrationDbSecretId, "arn:s"), (EnvironmentVariables.DbSslMode, "Disable"))));
        Assert.Contains("name the same secret", same.Message);

        var ok = MigrateOptions.FromEnvironment(Env(
            (EnvironmentVariables.DbSecretId, "arn:loader"), (EnvironmentVariables.MigrationDbSecretId, "arn:master"),
            (EnvironmentVariables.DbSslMode, "Disable"), (EnvironmentVariables.EndpointUrlSecretsManager, "http://127.0.0.1:4584")));
        Assert.Equal(("arn:loader", "arn:master", DbSslMode.Disable), (ok.DbSecretId, ok.MigrationDbSecretId, ok.Tls.SslMode));
        Assert.Equal(new Uri("http://127.0.0.1:4584"), ok.Endpoints.SecretsManager);
    }

    [Fact]
    public void Run_etl_options_defaults()
    {
        var certificate = Path.GetTempFileName();
        try
        {
            var options = RunEtlOptions.FromEnvironment(Env(
                (EnvironmentVariables.DbSecretId, " prod/db "), (EnvironmentVariables.DbRootCertificatePath, certificate)));

            Assert.Equal("prod/db", options.DbSecretId);
            Assert.Equal(DbSslMode.VerifyFull, options.SslMode);
            Assert.Equal(TimeSpan.FromMilliseconds(RunEtlOptions.DefaultTimeoutMarginMs), options.TimeoutMargin);
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    [Fact]
    public void Run_etl_contracts_choose_the_longest_matching_prefix_and_match_no_other_key()
    {
        var options = RunEtlOptions.FromEnvironment(Env((EnvironmentVariables.DbSecretId, "prod/db"), (EnvironmentVariables.DbSslMode, "Disable"),
            (EnvironmentVariables.Contracts, """{"incoming/": "builtin:transactions.contract.json", "incoming/orders/": "contracts/orders.contract.json", "incoming/orders/eu/": "contracts/eu/orders.contract.json"}""")));

        string? Match(string key) => options.Contracts.TryMatch(key, out _, out var contract) ? contract : null;
        Assert.Equal("contracts/orders.contract.json", Match("incoming/orders/2024/day1.csv"));
        Assert.Equal("contracts/eu/orders.contract.json", Match("incoming/orders/eu/day1.csv"));
        Assert.Equal(Core.ContractMap.BuiltIn, Match("incoming/orders.csv"));
        Assert.Null(Match("Incoming/orders/day1.csv"));
        Assert.Null(Match("reports/x.csv"));
        // Unset: every key with the built-in contract, as before contracts were mapped.
        var unset = RunEtlOptions.FromEnvironment(Env((EnvironmentVariables.DbSecretId, "prod/db"), (EnvironmentVariables.DbSslMode, "Disable")));
        Assert.True(unset.Contracts.TryMatch("anything.csv", out _, out var builtIn) && builtIn == Core.ContractMap.BuiltIn);
    }

    [Theory]
    [InlineData("""["incoming/"]""", "expected a JSON object")]
    [InlineData("""{"incoming/": 1}""", "incoming/: expected a contract reference")]
    [InlineData("""{"incoming/": "orders.contract.json"}""", "'orders.contract.json' is not an object key under contracts/")]
    [InlineData("""{"incoming/": "contracts/"}""", "'contracts/' is not an object key under contracts/")]
    [InlineData("""{"incoming/": "builtin:orders"}""", "nor builtin:transactions.contract.json")]
    [InlineData("""{"a/": "contracts/a.json", "a/": "contracts/b.json"}""", "the prefix is given twice")]
    [InlineData("{}", "maps no prefix")]
    public void Run_etl_refuses_a_contracts_mapping_it_could_not_follow_at_start(string json, string message)
    {
        var ex = Assert.Throws<ConfigurationException>(() => RunEtlOptions.FromEnvironment(Env(
            (EnvironmentVariables.DbSecretId, "prod/db"), (EnvironmentVariables.DbSslMode, "Disable"), (EnvironmentVariables.Contracts, json))));

        Assert.Contains(EnvironmentVariables.Contracts, ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Notify_chat_options_defaults_and_limits()
    {
        var options = NotifyChatOptions.FromEnvironment(Env((EnvironmentVariables.ChatSecretId, "prod/chat")));
        Assert.Equal(("prod/chat", 4, TimeSpan.FromSeconds(20)), (options.ChatSecretId, options.MaxAttempts, options.MaxRetryDelay));

        var ex = Assert.Throws<ConfigurationException>(() => NotifyChatOptions.FromEnvironment(Env(
            (EnvironmentVariables.ChatSecretId, "prod/chat"), (EnvironmentVariables.ChatMaxAttempts, "0"))));
        Assert.Contains("TXETL_CHAT_MAX_ATTEMPTS='0'", ex.Message);
    }

    [Fact]
    public void Start_workflow_options_need_an_arn()
    {
        var ex = Assert.Throws<ConfigurationException>(() => StartWorkflowOptions.FromEnvironment(Env((EnvironmentVariables.StateMachineArn, "etl"))));
        Assert.Contains("is not an ARN", ex.Message);
        var ok = StartWorkflowOptions.FromEnvironment(Env(
            (EnvironmentVariables.StateMachineArn, "arn:aws:states:eu-central-1:1:stateMachine:etl"), (EnvironmentVariables.Region, "eu-central-1")));
        Assert.StartsWith("arn:aws:states:", ok.StateMachineArn);
    }

    [Fact]
    public void Start_workflow_options_report_the_arn_and_the_region_at_once()
    {
        var ex = Assert.Throws<ConfigurationException>(() => StartWorkflowOptions.FromEnvironment(Env()));

        Assert.Contains("start-workflow configuration is invalid", ex.Message);
        Assert.Contains("TXETL_STATE_MACHINE_ARN is not set", ex.Message);
        Assert.Contains("AWS_REGION is not set: Step Functions needs a region", ex.Message);
    }

    [Fact]
    public void Start_workflow_options_call_the_regional_endpoint_unless_one_is_set()
    {
        const string Arn = "arn:aws:states:eu-west-1:1:stateMachine:etl";
        var aws = StartWorkflowOptions.FromEnvironment(Env((EnvironmentVariables.StateMachineArn, Arn), (EnvironmentVariables.DefaultRegion, "eu-west-1")));
        Assert.Equal(("eu-west-1", new Uri("https://states.eu-west-1.amazonaws.com/")), (aws.StepFunctions.Region, aws.StepFunctions.Endpoint));

        var local = StartWorkflowOptions.FromEnvironment(Env(
            (EnvironmentVariables.StateMachineArn, Arn), (EnvironmentVariables.Region, "us-east-1"), (EnvironmentVariables.DefaultRegion, "eu-west-1"),
            (EnvironmentVariables.EndpointUrl, "http://127.0.0.1:4566"), (EnvironmentVariables.EndpointUrlSfn, "http://127.0.0.1:8083")));
        Assert.Equal(("us-east-1", new Uri("http://127.0.0.1:8083")), (local.StepFunctions.Region, local.StepFunctions.Endpoint));

        var ex = Assert.Throws<ConfigurationException>(() => StartWorkflowOptions.FromEnvironment(Env(
            (EnvironmentVariables.StateMachineArn, Arn), (EnvironmentVariables.Region, "eu-west-1"), (EnvironmentVariables.EndpointUrlSfn, "states.local"))));
        Assert.Contains("AWS_ENDPOINT_URL_SFN='states.local' is not an absolute http(s) URL", ex.Message);
    }

    [Fact]
    public void Function_options_carry_their_endpoints_and_report_a_bad_one_with_their_own_problems()
    {
        var chat = NotifyChatOptions.FromEnvironment(Env((EnvironmentVariables.ChatSecretId, "prod/chat"), (EnvironmentVariables.EndpointUrlSecretsManager, "http://127.0.0.1:4583")));
        Assert.Equal(new Uri("http://127.0.0.1:4583"), chat.Endpoints.SecretsManager);

        var ex = Assert.Throws<ConfigurationException>(() => RunEtlOptions.FromEnvironment(Env((EnvironmentVariables.EndpointUrlS3, "s3.local"))));
        Assert.Contains("run-etl configuration is invalid", ex.Message);
        Assert.Contains("TXETL_DB_SECRET_ID is not set", ex.Message);
        Assert.Contains("AWS_ENDPOINT_URL_S3='s3.local' is not an absolute http(s) URL", ex.Message);
    }

    [Fact]
    public void A_service_endpoint_wins_over_the_shared_endpoint()
    {
        var endpoints = AwsServiceEndpoints.FromEnvironment(Env(
            (EnvironmentVariables.EndpointUrl, "http://localhost:4566"),
            (EnvironmentVariables.EndpointUrlS3, "http://127.0.0.1:9000"),
            (EnvironmentVariables.DefaultRegion, "eu-west-1")));

        Assert.Equal(new Uri("http://127.0.0.1:9000"), endpoints.S3);
        Assert.Equal(new Uri("http://localhost:4566"), endpoints.SecretsManager);
        Assert.Equal(new Uri("http://localhost:4566"), endpoints.StepFunctions);
        Assert.Equal("eu-west-1", endpoints.Region);
        Assert.True(AwsServiceEndpoints.IsLoopback(endpoints.S3!));
        Assert.False(AwsServiceEndpoints.IsLoopback(new Uri("https://s3.eu-west-1.amazonaws.com")));
    }

    [Fact]
    public void No_endpoint_means_aws_and_a_malformed_one_is_refused()
    {
        var aws = AwsServiceEndpoints.FromEnvironment(Env());
        Assert.Null(aws.S3);

        var ex = Assert.Throws<ConfigurationException>(() => AwsServiceEndpoints.FromEnvironment(Env((EnvironmentVariables.EndpointUrlSecretsManager, "localhost:4566"))));
        Assert.Contains("AWS_ENDPOINT_URL_SECRETS_MANAGER='localhost:4566' is not an absolute http(s) URL", ex.Message);
    }
}
