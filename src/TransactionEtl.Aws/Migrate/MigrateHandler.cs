using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Migrate.Internal;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Postgres;
using TransactionEtl.Postgres.Roles.Internal;

namespace TransactionEtl.Aws.Migrate;

/// <summary>
/// migrate: applies the pending migrations as the master user (<c>TXETL_MIGRATION_DB_SECRET_ID</c>) on the
/// host, port and database of the loader's secret (<c>TXETL_DB_SECRET_ID</c>), then creates the loader's login
/// role (or sets its password) as a member of <c>txetl_loader</c>. Input <c>{}</c> or <c>{"mode":"migrate"}</c>;
/// output <c>{"mode":"migrate","applied":[..],"loader_role":..,"loader_role_action":"created"|"updated"}</c>.
/// Its own function and role, so that run-etl's role cannot read the master secret.
/// </summary>
internal sealed class MigrateHandler
{
    /// <summary>The mode the old run-etl invocation sent, still accepted.</summary>
    public const string Mode = "migrate";

    // Enough to roll back the migration's transaction before Lambda stops the process.
    private static readonly TimeSpan DeadlineMargin = TimeSpan.FromSeconds(5);

    private readonly MigrateOptions _options;
    private readonly SecretReader _secrets;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    internal MigrateHandler(MigrateOptions options, SecretReader secrets, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _clock = clock;
        _logger = logger;
        _secrets = secrets;
    }

    /// <summary>Handles one event (the runtime's <see cref="LambdaHandler"/> shape).</summary>
    public async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> input, LambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        Parse(input);
        var budget = context.GetRemainingTime(_clock) - DeadlineMargin;
        using var deadline = new CancellationTokenSource(budget > TimeSpan.Zero ? budget : TimeSpan.Zero, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        // Not cached: migrate runs once per deployment, often right after Terraform set a new loader password.
        var server = RdsSecret.Parse(_options.DbSecretId, await _secrets.ReadAsync(_options.DbSecretId, linked.Token));
        var master = MasterCredentials.Parse(_options.MigrationDbSecretId, await _secrets.ReadAsync(_options.MigrationDbSecretId, linked.Token));
        if (string.Equals(master.Username, server.Username, StringComparison.Ordinal))
        {
            throw new ConfigurationException(
                $"The loader secret '{_options.DbSecretId}' names the master user '{server.Username}'; give the loader its own login role so loads run with least privilege.");
        }
        var masterConnection = _options.Tls.ConnectionString(server, master.Username, master.Password, "txetl-migrate");
        var result = await DatabaseMigrator.MigrateAsync(masterConnection, linked.Token);
        _logger.MigrationApplied(server.Database, server.Host, result.AppliedScripts.Count);
        var action = await EnsureLoaderRoleAsync(masterConnection, server, linked.Token);
        _logger.LoaderRoleEnsured(server.Username, action);
        return Serialize(result.AppliedScripts, server.Username, action);
    }

    private static async Task<string> EnsureLoaderRoleAsync(string masterConnection, RdsSecret server, CancellationToken cancellationToken)
    {
        try
        {
            return await LoaderRole.EnsureAsync(masterConnection, server.Username, server.Password, cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw new DatabaseUnavailableException(
                $"creating login role '{server.Username}' in {LoaderRole.GroupRole} failed: {(ex is PostgresException pg ? pg.MessageText + " (SQLSTATE " + pg.SqlState + ")" : ex.Message)}",
                ex);
        }
    }

    private static byte[] Serialize(IReadOnlyList<string> applied, string role, string action)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("mode", Mode);
            json.WriteStartArray("applied");
            foreach (var script in applied)
            {
                json.WriteStringValue(script);
            }
            json.WriteEndArray();
            json.WriteString("loader_role", role);
            json.WriteString("loader_role_action", action);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An empty event, <c>null</c>, <c>{}</c> and <c>{"mode":"migrate"}</c> all mean: migrate.</summary>
    private static void Parse(ReadOnlyMemory<byte> input)
    {
        if (input.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return;
        }
        MigrateRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(input.Span, MigrateJsonContext.Default.MigrateRequest);
        }
        catch (JsonException ex)
        {
            throw new InvalidMigrateRequestException(
                $"The migrate event is not a JSON object (line {ex.LineNumber + 1}, position {ex.BytePositionInLine}); send {{}} or {{\"mode\":\"migrate\"}}.", ex);
        }
        if (request?.Mode is not (null or Mode))
        {
            throw new InvalidMigrateRequestException($"Unknown mode '{request.Mode}' for the migrate function; send {{}} or {{\"mode\":\"migrate\"}}. Files are loaded by run-etl.");
        }
    }
}
