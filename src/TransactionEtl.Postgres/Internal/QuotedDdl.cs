using Npgsql;

namespace TransactionEtl.Postgres.Internal;

/// <summary>
/// Runs DDL whose names and literals cannot be bind parameters (<c>CREATE DATABASE</c>, <c>CREATE ROLE ...
/// PASSWORD</c>): the server builds the statement with <c>format()</c>'s <c>%I</c>/<c>%L</c> quoting from bound
/// values, and the result is executed. Nothing is spliced in on this side, so no value can end the statement.
/// </summary>
internal static class QuotedDdl
{
    /// <summary>Formats <paramref name="template"/> on the server with <paramref name="values"/> and executes the result.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, string template, IReadOnlyList<string> values, CancellationToken cancellationToken)
    {
        var sql = await FormatAsync(connection, template, values, cancellationToken);
#pragma warning disable CA2100 // Built by the server's format() with %I/%L quoting from bound parameters.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The statement <see cref="ExecuteAsync"/> would run.</summary>
    public static async Task<string> FormatAsync(NpgsqlConnection connection, string template, IReadOnlyList<string> values, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT format(@template, VARIADIC @values)", connection);
        command.Parameters.AddWithValue("template", template);
        command.Parameters.AddWithValue("values", values.ToArray());
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
