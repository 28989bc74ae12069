using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Secrets;

public sealed class SecretReaderTests
{
    private const string DbSecret = """{"engine":"postgres","host":"db.internal","port":"5433","username":"etl","password":"s3cr3t-Passw0rd!","dbname":"transactions"}""";

    [Fact]
    public async Task Reads_a_secret_through_the_ssm_reference_path_with_decryption()
    {
        await using var ssm = new SsmLoopback((id, _) => id == "prod/txetl/db" ? DbSecret : null);
        var reader = ssm.CreateReader(new SecretRedactor(), NullLogger.Instance);

        var text = await reader.ReadAsync("prod/txetl/db", default);

        Assert.Equal(DbSecret, text);
        var request = Assert.Single(ssm.Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("AmazonSSM.GetParameter", request.Headers["X-Amz-Target"]);
        Assert.StartsWith("application/x-amz-json-1.1", request.Headers["Content-Type"]);
        Assert.Contains("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", request.Headers["Authorization"]);
        Assert.Contains("/eu-west-1/ssm/aws4_request", request.Headers["Authorization"]);
        Assert.Contains("\"Name\":\"/aws/reference/secretsmanager/prod/txetl/db\"", request.BodyText);
        Assert.Contains("\"WithDecryption\":true", request.BodyText);
    }

    [Fact]
    public async Task Missing_secret_is_a_permanent_error_naming_the_secret_id()
    {
        await using var ssm = new SsmLoopback((_, _) => null);
        var reader = ssm.CreateReader(new SecretRedactor(), NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<SecretReadException>(() => reader.ReadAsync("prod/missing", default));

        Assert.False(ex.IsTransient);
        Assert.Contains("'prod/missing'", ex.Message);
        Assert.Contains("/aws/reference/secretsmanager/prod/missing", ex.Message);
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
        await using var ssm = new SsmLoopback((_, n) => DbSecret.Replace("s3cr3t-Passw0rd!", $"password-number-{n}"));
        var reader = ssm.CreateReader(new SecretRedactor(), NullLogger.Instance);
        using var cache = new CachedSecret<RdsSecret>(reader, "db", RdsSecret.Parse, NullLogger.Instance);

        var first = await cache.GetAsync(default);
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => cache.GetAsync(default)));
        cache.Invalidate("test");
        var fresh = await cache.GetAsync(default);

        Assert.Equal("password-number-1", first.Password);
        Assert.All(again, s => Assert.Same(first, s));
        Assert.Equal("password-number-2", fresh.Password);
        Assert.Equal(2, ssm.Reads["db"]);
    }

    [Fact]
    public async Task Rotated_password_is_re_read_once_on_invalid_password()
    {
        await using var ssm = new SsmLoopback((_, n) => DbSecret.Replace("s3cr3t-Passw0rd!", n == 1 ? "old-password" : "new-password"));
        var reader = ssm.CreateReader(new SecretRedactor(), NullLogger.Instance);
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
        Assert.Equal(2, ssm.Reads["db"]);
    }

    [Fact]
    public async Task A_second_invalid_password_surfaces_instead_of_looping()
    {
        await using var ssm = new SsmLoopback((_, _) => DbSecret);
        var reader = ssm.CreateReader(new SecretRedactor(), NullLogger.Instance);
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
        await using var ssm = new SsmLoopback((_, _) => DbSecret);
        var reader = ssm.CreateReader(new SecretRedactor(), NullLogger.Instance);
        using var cache = new CachedSecret<RdsSecret>(reader, "db", RdsSecret.Parse, NullLogger.Instance);

        await Assert.ThrowsAsync<PostgresException>(() => DatabaseCredentialRefresh.RunAsync<int>(cache,
            (_, _) => throw new PostgresException("too many connections", "FATAL", "FATAL", "53300"), NullLogger.Instance, default));

        Assert.Equal(1, ssm.Reads["db"]);
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
