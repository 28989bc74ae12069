using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TransactionEtl.Postgres.Roles.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Roles;

/// <summary>The loader login role is given its password as a SCRAM verifier, never as text a server log could keep.</summary>
public sealed class LoaderLoginRoleTests
{
    [Fact]
    public void The_verifier_keys_reproduce_the_RFC_7677_example_exchange()
    {
        // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
        var (storedKey, serverKey) = ScramVerifier.Keys("pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        const string nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        var authMessage = Encoding.UTF8.GetBytes(
            $"n=user,r=rOprNGfwEbeRWgbNEkqO,r={nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r={nonce}");

        // ServerSignature = HMAC(ServerKey, AuthMessage); ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage),
        // so H(ClientProof XOR HMAC(StoredKey, AuthMessage)) must give StoredKey back.
        Assert.Equal("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Convert.ToBase64String(HMACSHA256.HashData(serverKey, authMessage)));
        var proof = Convert.FromBase64String("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        var signature = HMACSHA256.HashData(storedKey, authMessage);
        var clientKey = proof.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        Assert.Equal(storedKey, SHA256.HashData(clientKey));
    }

    [Fact]
    public void The_role_statement_carries_the_verifier_not_the_password()
    {
        const string password = "Tr0ub4dor&3-loader";

        var stored = LoaderRole.StoredForm(password);

        Assert.StartsWith("SCRAM-SHA-256$4096:", stored);
        Assert.DoesNotContain(password, stored);
        Assert.NotEqual(stored, LoaderRole.StoredForm(password)); // a fresh salt each time
    }

    [Fact]
    public async Task A_role_given_its_verifier_logs_in_with_the_password_over_scram_and_not_with_another()
    {
        await using var database = await TestDatabase.CreateAsync();
        var role = "loader_" + Guid.NewGuid().ToString("N")[..8];
        const string password = "s3cret-Loader_pw!";

        Assert.Equal("created", await LoaderRole.EnsureAsync(database.ConnectionString, role, password, default));

        // 127.0.0.1 goes through scram-sha-256 (the Unix socket would trust anyone).
        var tcp = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Username = role, Password = password, Pooling = false };
        await using (var connection = new NpgsqlConnection(tcp.ConnectionString))
        {
            await connection.OpenAsync();
            await using var who = new NpgsqlCommand("SELECT current_user", connection);
            Assert.Equal(role, await who.ExecuteScalarAsync());
        }
        tcp.Password = password + "x";
        await using (var wrong = new NpgsqlConnection(tcp.ConnectionString))
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => wrong.OpenAsync());
            Assert.Equal(PostgresErrorCodes.InvalidPassword, ex.SqlState);
        }
        Assert.Equal("updated", await LoaderRole.EnsureAsync(database.ConnectionString, role, password, default));
    }

    [Fact]
    public async Task The_group_role_is_refused_as_login_role_before_it_is_given_login_or_a_password()
    {
        await using var database = await TestDatabase.CreateAsync();

        var ex = await Assert.ThrowsAnyAsync<TransactionEtl.Core.TransactionEtlException>(
            () => LoaderRole.EnsureAsync(database.ConnectionString, LoaderRole.GroupRole, "group-role-pw-1", default));

        Assert.Contains("'txetl_loader'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("loader_username", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("group-role-pw-1", ex.Message, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var state = new NpgsqlCommand("SELECT rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = 'txetl_loader'", connection);
        await using var reader = await state.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0), "the group role was given LOGIN");
        Assert.True(reader.GetBoolean(1), "the group role was given a password");
    }
}
