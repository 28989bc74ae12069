using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Secrets;

public sealed class SecretReaderTests
{
    private const string DbSecret = """{"engine":"postgres","host":"db.internal","port":"5433","username":"etl","password":"s3cr3t-Passw0rd!","dbname":"transactions"}""";

    [Fact]
    public async Task Reads_a_secret_by_arn_with_a_signed_GetSecretValue()
    {
        const string arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1a2b3c-AbCdEf";
        await using var secretsManager = new SecretsManagerLoopback((id, _) => id == arn ? DbSecret : null);
        var reader = secretsManager.CreateReader(new SecretRedactor(), NullLogger.Instance);

        var text = await reader.ReadAsync(arn, default);

        Assert.Equal(DbSecret, text);
        var request = Assert.Single(secretsManager.Server.Requests);
        Assert.Equal(("POST", "/"), (request.Method, request.PathAndQuery));
        Assert.Equal("secretsmanager.GetSecretValue", request.Headers["X-Amz-Target"]);
        Assert.StartsWith("application/x-amz-json-1.1", request.Headers["Content-Type"]);
        Assert.Contains("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", request.Headers["Authorization"]);
        Assert.Contains("/eu-west-1/secretsmanager/aws4_request", request.Headers["Authorization"]);
        Assert.Equal($$"""{"SecretId":"{{arn}}"}""", request.BodyText);
    }

    [Fact]
    public async Task Missing_secret_is_a_permanent_error_naming_the_secret_id()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => null);
        var reader = secretsManager.CreateReader(new SecretRedactor(), NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<SecretReadException>(() => reader.ReadAsync("prod/missing", default));

        Assert.False(ex.IsTransient);
        Assert.Contains("'prod/missing' was not found", ex.Message);
        Assert.Contains("ResourceNotFoundException", ex.Message);
        Assert.Single(secretsManager.Server.Requests);
    }

    [Fact]
    public async Task A_signature_the_service_cannot_recompute_is_refused_and_not_retried()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => DbSecret);
        var client = secretsManager.CreateClient(new BasicAWSCredentials("AKIDEXAMPLE", "not-the-key"));

        var ex = await Assert.ThrowsAsync<SecretReadException>(() => client.GetSecretStringAsync("db", default));

        Assert.False(ex.IsTransient);
        Assert.Contains("InvalidSignatureException (HTTP 403)", ex.Message);
        Assert.Contains("secretsmanager:GetSecretValue", ex.Message);
        Assert.Single(secretsManager.Server.Requests);
    }

    [Fact]
    public async Task Throttling_is_retried_and_still_throttled_is_transient()
    {
        var answers = 0;
        await using var server = new LoopbackHttpServer((_, n) =>
        {
            Interlocked.Increment(ref answers);
            return n <= 4
                ? new LoopbackResponse(400, """{"__type":"ThrottlingException","Message":"Rate exceeded"}""")
                : new LoopbackResponse(200, """{"ARN":"arn","Name":"db","SecretString":"{\"k\":1}"}""");
        });
        var options = new SecretsManagerClientOptions("eu-west-1", server.BaseUri) { BaseDelay = TimeSpan.FromMilliseconds(1) };
        var client = new SecretsManagerClient(null, options, new BasicAWSCredentials("AKIDEXAMPLE", "test-secret-key"), TimeProvider.System);

        var ex = await Assert.ThrowsAsync<SecretReadException>(() => client.GetSecretStringAsync("db", default));
        var text = await client.GetSecretStringAsync("db", default);

        Assert.True(ex.IsTransient);
        Assert.Contains("ThrottlingException", ex.Message);
        Assert.Equal("{\"k\":1}", text);
        Assert.Equal(5, answers);
    }

    [Theory]
    [InlineData("https://secretsmanager.eu-central-1.amazonaws.com/", null, null)]
    [InlineData("http://127.0.0.1:4566/", "http://127.0.0.1:4566", null)]
    [InlineData("http://127.0.0.1:4584/", "http://127.0.0.1:4566", "http://127.0.0.1:4584")]
    public void The_endpoint_follows_the_sdk_convention(string expected, string? shared, string? own)
    {
        var endpoints = AwsServiceEndpoints.FromEnvironment(k => k switch
        {
            EnvironmentVariables.EndpointUrl => shared,
            EnvironmentVariables.EndpointUrlSecretsManager => own,
            EnvironmentVariables.Region => "eu-central-1",
            _ => null,
        });

        var options = SecretsManagerClientOptions.For(endpoints);

        Assert.Equal((new Uri(expected), "eu-central-1"), (options.Endpoint, options.Region));
        Assert.Throws<ConfigurationException>(() => SecretsManagerClientOptions.For(AwsServiceEndpoints.FromEnvironment(_ => null)));
    }

    [Fact]
    public async Task Rds_secret_parses_the_rds_json_shape_and_never_prints_the_password()
    {
        var secret = RdsSecret.Parse("db", DbSecret);

        Assert.Equal(("db.internal", 5433, "etl", "transactions"), (secret.Host, secret.Port, secret.Username, secret.Database));
        Assert.Equal("s3cr3t-Passw0rd!", secret.Password);
        Assert.DoesNotContain("s3cr3t", secret.ToString());
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("""{"host":"h","username":"u","dbname":"d","password":""}""", "password")]
    [InlineData("""{"port":5432,"password":"hunter2-long"}""", "host, username, dbname")]
    [InlineData("""{"host":"h","username":"u","password":"hunter2-long","dbname":"d","port":70000}""", "port 70000")]
    public void Rds_secret_errors_name_what_is_missing_but_no_value(string json, string expected)
    {
        var ex = Assert.Throws<SecretReadException>(() => RdsSecret.Parse("prod/db", json));

        Assert.Contains(expected, ex.Message);
        Assert.Contains("'prod/db'", ex.Message);
        Assert.DoesNotContain("hunter2", ex.Message);
    }

    [Fact]
    public void Rds_secret_that_is_not_json_does_not_quote_the_text()
    {
        var ex = Assert.Throws<SecretReadException>(() => RdsSecret.Parse("prod/db", "password=hunter2-long"));

        Assert.DoesNotContain("hunter2", ex.ToString());
    }

    [Fact]
    public async Task Cached_secret_is_read_once_per_container_until_invalidated()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, n) => DbSecret.Replace("s3cr3t-Passw0rd!", $"password-number-{n}"));
        var reader = secretsManager.CreateReader(new SecretRedactor(), NullLogger.Instance);
        using var cache = new CachedSecret<RdsSecret>(reader, "db", RdsSecret.Parse, NullLogger.Instance);

        var first = await cache.GetAsync(default);
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => cache.GetAsync(default)));
        cache.Invalidate("test");
        var fresh = await cache.GetAsync(default);

        Assert.Equal("password-number-1", first.Password);
        Assert.All(again, s => Assert.Same(first, s));
        Assert.Equal("password-number-2", fresh.Password);
        Assert.Equal(2, secretsManager.Reads["db"]);
    }

    [Fact]
    public async Task Rotated_password_is_re_read_once_on_invalid_password()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, n) => DbSecret.Replace("s3cr3t-Passw0rd!", n == 1 ? "old-password" : "new-password"));
        var reader = secretsManager.CreateReader(new SecretRedactor(), NullLogger.Instance);
        using var cache = new CachedSecret<RdsSecret>(reader, "db", RdsSecret.Parse, NullLogger.Instance);
        var tried = new List<string>();

        var result = await DatabaseCredentialRefresh.RunAsync(cache, (s, _) =>
        {
            tried.Add(s.Password);
            return s.Password == "old-password"
                ? throw new NpgsqlException("connect failed", new PostgresException("password authentication failed for user \"etl\"", "FATAL", "FATAL", "28P01"))
                : Task.FromResult("loaded");
        }, NullLogger.Instance, default);

        Assert.Equal("loaded", result);
        Assert.Equal(["old-password", "new-password"], tried);
        Assert.Equal(2, secretsManager.Reads["db"]);
    }

    [Fact]
    public async Task A_second_invalid_password_surfaces_instead_of_looping()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => DbSecret);
        var reader = secretsManager.CreateReader(new SecretRedactor(), NullLogger.Instance);
        using var cache = new CachedSecret<RdsSecret>(reader, "db", RdsSecret.Parse, NullLogger.Instance);
        var calls = 0;

        await Assert.ThrowsAsync<PostgresException>(() => DatabaseCredentialRefresh.RunAsync<int>(cache, (_, _) =>
        {
            calls++;
            throw new PostgresException("password authentication failed", "FATAL", "FATAL", "28P01");
        }, NullLogger.Instance, default));

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Other_database_errors_do_not_re_read_the_secret()
    {
        await using var secretsManager = new SecretsManagerLoopback((_, _) => DbSecret);
        var reader = secretsManager.CreateReader(new SecretRedactor(), NullLogger.Instance);
        using var cache = new CachedSecret<RdsSecret>(reader, "db", RdsSecret.Parse, NullLogger.Instance);

        await Assert.ThrowsAsync<PostgresException>(() => DatabaseCredentialRefresh.RunAsync<int>(cache,
            (_, _) => throw new PostgresException("too many connections", "FATAL", "FATAL", "53300"), NullLogger.Instance, default));

        Assert.Equal(1, secretsManager.Reads["db"]);
    }

    [Fact]
    public async Task Chat_secret_needs_at_least_one_https_webhook()
    {
        var both = ChatWebhookSecret.Parse("chat", """{"slack_webhook_url":"https://hooks.slack.com/services/T0/B0/XYZ","teams_webhook_url":"https://prod.westeurope.logic.azure.com/workflows/1?sig=abc"}""");
        var ex = Assert.Throws<SecretReadException>(() => ChatWebhookSecret.Parse("chat", """{"slack_webhook_url":""}"""));
        var bad = Assert.Throws<SecretReadException>(() => ChatWebhookSecret.Parse("chat", """{"slack_webhook_url":"ftp://hooks.example/XYZ-secret-path"}"""));

        Assert.NotNull(both.SlackWebhookUrl);
        Assert.NotNull(both.TeamsWebhookUrl);
        Assert.Equal("slack: set, teams: set", both.ToString());
        Assert.Contains("neither", ex.Message);
        Assert.DoesNotContain("XYZ-secret-path", bad.Message);
        await Task.CompletedTask;
    }
}
