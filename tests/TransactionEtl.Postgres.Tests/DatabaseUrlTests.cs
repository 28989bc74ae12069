using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Tests;

public sealed class DatabaseUrlTests
{
    [Theory]
    [InlineData("postgres://alice:s%40cret@db.example.com:6543/ledger?sslmode=require", "db.example.com", 6543, "alice", "s@cret", "ledger")]
    [InlineData("postgresql://bob@localhost/txetl", "localhost", 5432, "bob", null, "txetl")]
    [InlineData("postgresql://postgres@/txetl?host=%2Ftmp%2Fa%20b%2Fpgdata&port=5433", "/tmp/a b/pgdata", 5433, "postgres", null, "txetl")]
    [InlineData("postgres://[::1]:5433/x", "::1", 5433, null, null, "x")]
    [InlineData("host=db port=6000 dbname=ledger user=carol password='it\\'s a secret'", "db", 6000, "carol", "it's a secret", "ledger")]
    [InlineData("Host=db;Port=6001;Database=ledger;Username=dave", "db", 6001, "dave", null, "ledger")]
    public void Converts_uris_and_key_value_strings(string url, string host, int port, string? user, string? password, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToNpgsqlConnectionString(url));

        Assert.Equal(host, builder.Host);
        Assert.Equal(port, builder.Port);
        Assert.Equal(user, builder.Username);
        Assert.Equal(password, builder.Password);
        Assert.Equal(database, builder.Database);
    }

    [Fact]
    public void Maps_sslmode_to_npgsql()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToNpgsqlConnectionString("postgres://h/d?sslmode=verify-full"));

        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
    }

    [Theory]
    [InlineData("postgres://u:topsecret@h/d?bogus=1", "unknown parameter 'bogus'")]
    [InlineData("postgres://u:topsecret@h/d?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("postgres://u:topsecret@h:abc/d", "port that is not a whole number")]
    // Regression: with '@host' forgotten, the password sits where the port goes and the message echoed it.
    [InlineData("postgres://u:topsecret/d", "port that is not a whole number")]
    [InlineData("postgres://u:topsecret", "port that is not a whole number")]
    [InlineData("host=h port=topsecret", "port that is not a whole number")]
    [InlineData("just-a-word-topsecret", "neither a postgres:// URI nor key=value pairs")]
    [InlineData("host=h password='topsecret", "unterminated quoted value for 'password'")]
    public void Rejects_what_it_cannot_understand_without_echoing_the_password(string url, string expected)
    {
        var ex = Assert.Throws<TransactionEtlException>(() => DatabaseUrl.ToNpgsqlConnectionString(url));

        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("topsecret", ex.Message);
    }
}
