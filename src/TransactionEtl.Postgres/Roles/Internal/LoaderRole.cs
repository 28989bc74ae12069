using Npgsql;
using TransactionEtl.Postgres.Internal;

namespace TransactionEtl.Postgres.Roles.Internal;

/// <summary>
/// Makes the loader secret's login role exist, with the secret's password, as a member of the NOLOGIN group
/// role <c>txetl_loader</c> (migration 0005), so run-etl never loads as the master user.
/// </summary>
internal static class LoaderRole
{
    public const string GroupRole = "txetl_loader";

    /// <returns>"created" or "updated".</returns>
    public static async Task<string> EnsureAsync(string masterConnectionString, string role, string password, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(masterConnectionString);
        await using (connection)
        {
            await connection.OpenAsync(cancellationToken);
            var exists = await ExistsAsync(connection, role, cancellationToken);
            // Role names and passwords cannot be bind parameters in DDL, so the server quotes them (QuotedDdl).
            // The password goes as its SCRAM verifier, so the statement text (which log_statement = ddl
            // writes to the server log) holds nothing to log in with.
            var template = exists ? "ALTER ROLE %I WITH LOGIN PASSWORD %L" : "CREATE ROLE %I WITH LOGIN PASSWORD %L";
            await QuotedDdl.ExecuteAsync(connection, template, [role, StoredForm(password)], cancellationToken);
            await QuotedDdl.ExecuteAsync(connection, $"GRANT {GroupRole} TO %I", [role], cancellationToken);
            return exists ? "updated" : "created";
        }
    }

    /// <summary>What the role statement carries: the SCRAM verifier, or, for a password that is not printable
    /// ASCII (whose SASLprep form only the server computes exactly), the password itself.</summary>
    internal static string StoredForm(string password) =>
        ScramVerifier.CanHash(password) ? ScramVerifier.Create(password) : password;

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @role)", connection);
        command.Parameters.AddWithValue("role", role);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
