using Npgsql;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// A command's data source, begun before the command's own start-up work (the contract) and taken when the command
/// needs the database: the connection, the server's start of a session and Npgsql's type loading (tens of ms, mostly
/// waiting for the server) then run on another thread while the contract is loaded (docs/performance.md, session 13).
/// </summary>
/// <remarks>
/// Begun only where connecting has no effect the user would see (<see cref="DatabaseTarget.ConnectsQuietly"/>);
/// otherwise, and when resolving the target fails, <see cref="OpenAsync"/> does all of it then, as before. Nothing is
/// migrated and no database is created before <see cref="OpenAsync"/>, and a failure to connect is reported there, in
/// the command's order: an invalid contract or a missing file is still the error the command reports. Disposing
/// without <see cref="OpenAsync"/> abandons the connection.
/// </remarks>
internal sealed class DataSourceOpening : IAsyncDisposable
{
    private readonly GlobalSettings _settings;
    private readonly CliEnvironment _environment;
    private readonly LocalCluster _cluster;
    private readonly CancellationTokenSource? _abandon;
    private readonly Task<Begun?>? _begun;
    private bool _taken;

    private DataSourceOpening(
        GlobalSettings settings, CliEnvironment environment, LocalCluster cluster, CancellationTokenSource? abandon, Task<Begun?>? begun)
    {
        _settings = settings;
        _environment = environment;
        _cluster = cluster;
        _abandon = abandon;
        _begun = begun;
    }

    /// <summary>Begins to resolve the target and open a connection on a thread-pool thread, when that is quiet.</summary>
    public static DataSourceOpening Begin(
        GlobalSettings settings, CliEnvironment environment, LocalCluster cluster, CancellationToken cancellationToken)
    {
        if (!DatabaseTarget.ConnectsQuietly(settings, environment))
        {
            return new DataSourceOpening(settings, environment, cluster, null, null);
        }
        var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Task.Run: Npgsql's connect does CPU work (name lookup, GSS and TLS libraries) before its first wait.
        var begun = Task.Run(() => BeginAsync(settings, environment, cluster, abandon.Token), CancellationToken.None);
        return new DataSourceOpening(settings, environment, cluster, abandon, begun);
    }

    /// <summary>The migrated data source, as <see cref="DatabaseTarget.OpenDataSourceAsync"/> returns it; the caller owns it.</summary>
    public async Task<NpgsqlDataSource> OpenAsync(CancellationToken cancellationToken)
    {
        var begun = _begun is null ? null : await _begun;
        _taken = true;
        return begun is null
            ? await DatabaseTarget.OpenDataSourceAsync(_settings, _environment, _cluster, cancellationToken)
            : await DatabaseTarget.MigrateAsync(begun.Target, begun.DataSource, begun.Opening, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_abandon is null)
        {
            return;
        }
        if (!_taken)
        {
            await _abandon.CancelAsync();
            if (await _begun! is { } begun)
            {
                try
                {
                    await using var connection = await begun.Opening;
                }
                catch (Exception)
                {
                    // Abandoned because the command failed before it needed the database: that failure is the one
                    // to report, not this connection's (cancelled, or refused).
                }
                await begun.DataSource.DisposeAsync();
            }
        }
        _abandon.Dispose();
    }

    private static async Task<Begun?> BeginAsync(
        GlobalSettings settings, CliEnvironment environment, LocalCluster cluster, CancellationToken cancellationToken)
    {
        DatabaseTarget.Target target;
        try
        {
            target = await DatabaseTarget.ResolveAsync(settings, environment, cluster, cancellationToken);
        }
        catch (Exception)
        {
            // Resolved again by OpenAsync, which reports the failure (a malformed URL) in the command's order.
            return null;
        }
        var dataSource = DatabaseTarget.CreateDataSource(target);
        return new Begun(target, dataSource, dataSource.OpenConnectionAsync(cancellationToken).AsTask());
    }

    private sealed record Begun(DatabaseTarget.Target Target, NpgsqlDataSource DataSource, Task<NpgsqlConnection> Opening);
}
