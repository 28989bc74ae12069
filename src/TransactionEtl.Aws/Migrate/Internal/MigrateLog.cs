using Microsoft.Extensions.Logging;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.Migrate.Internal;

/// <summary>migrate's log lines (event ids 1410-1419; EventIds has every range).</summary>
internal static partial class MigrateLog
{
    [LoggerMessage(EventId = EventIds.MigrationApplied, EventName = "MigrationApplied", Level = LogLevel.Information,
        Message = "Database {Database} on {Host} migrated: {Applied} script(s) applied")]
    public static partial void MigrationApplied(this ILogger logger, string database, string host, int applied);

    [LoggerMessage(EventId = EventIds.LoaderRoleEnsured, EventName = "LoaderRoleEnsured", Level = LogLevel.Information,
        Message = "Login role {Role} exists as a member of txetl_loader ({Action})")]
    public static partial void LoaderRoleEnsured(this ILogger logger, string role, string action);
}
