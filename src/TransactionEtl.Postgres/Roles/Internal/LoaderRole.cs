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
    /// <exception cref="LoaderRoleException"><paramref name="role"/> is the group role; nothing was run.</exception>
    public static async Task<string> EnsureAsync(string masterConnectionString, string role, string password, CancellationToken cancellationToken)
    {
        RefuseGroupRole(role);
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

    /// <summary>
    /// The group role as login role would get LOGIN and the loader's password (the ALTER below succeeds) and
    /// only then fail on granting itself to itself, leaving a group role anyone with the secret can log in as.
    /// So the name is checked before a connection is opened. PostgreSQL folds nothing here (%I quotes), so an
    /// ordinal comparison is the exact one.
    /// </summary>
    internal static void RefuseGroupRole(string role)
    {
        if (string.Equals(role, GroupRole, StringComparison.Ordinal))
        {
            throw new LoaderRoleException(
                $"The loader secret's username is '{GroupRole}', the NOLOGIN group role that holds the load privileges; " +
                $"a login role must be a separate member of it. Set the secret's username (Terraform variable loader_username, " +
                "default txetl_etl) to another name and invoke the migrate function again. Nothing was changed.");
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
