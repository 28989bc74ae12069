using Npgsql;

namespace TransactionEtl.Aws.RunEtl.Internal;

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
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken);
            var exists = await ScalarAsync(connection, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @role)", role, null, cancellationToken) is true;
            // Role names and passwords cannot be bind parameters in DDL, so the server quotes them with
            // format(%I, %L) from bound values and the result is executed; nothing is spliced in here.
            // The password goes as its SCRAM verifier, so the statement text (which log_statement = ddl
            // writes to the server log) holds nothing to log in with.
            var template = exists ? "ALTER ROLE %I WITH LOGIN PASSWORD %L" : "CREATE ROLE %I WITH LOGIN PASSWORD %L";
            await ExecuteFormattedAsync(connection, template, role, StoredForm(password), cancellationToken);
            await ExecuteFormattedAsync(connection, $"GRANT {GroupRole} TO %I", role, null, cancellationToken);
            return exists ? "updated" : "created";
        }
    }

    /// <summary>What the role statement carries: the SCRAM verifier, or, for a password that is not printable
    /// ASCII (whose SASLprep form only the server computes exactly), the password itself.</summary>
    internal static string StoredForm(string password) =>
        ScramVerifier.CanHash(password) ? ScramVerifier.Create(password) : password;

    private static async Task ExecuteFormattedAsync(NpgsqlConnection connection, string template, string role, string? password, CancellationToken cancellationToken)
    {
        var sql = (string)(await ScalarAsync(connection,
            password is null ? "SELECT format(@template, @role)" : "SELECT format(@template, @role, @password)",
            role, password, cancellationToken, template))!;
#pragma warning disable CA2100 // Built by the server's format() with %I/%L quoting from bound parameters.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, string role, string? password,
        CancellationToken cancellationToken, string? template = null)
    {
#pragma warning disable CA2100 // Fixed text; every value is a parameter.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        command.Parameters.AddWithValue("role", role);
        if (password is not null)
        {
            command.Parameters.AddWithValue("password", password);
        }
        if (template is not null)
        {
            command.Parameters.AddWithValue("template", template);
        }
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
