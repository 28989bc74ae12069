using Npgsql;

namespace TransactionEtl.Testing.Faults;

/// <summary>
/// A session that opens a transaction and holds locks in it (<c>LOCK TABLE</c>, <c>SELECT ... FOR NO KEY UPDATE</c>,
/// an uncommitted row) until <see cref="ReleaseAsync"/> rolls back, so that a test can stop a load at a
/// chosen stage. Disposing rolls back too.
/// </summary>
public sealed class LockHolder : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private NpgsqlTransaction? _transaction;

    private LockHolder(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>The holder's backend pid (for <see cref="ServerActivity.BlockedBy"/>).</summary>
    public int Pid => _connection.ProcessID;

    /// <summary>Opens a session and runs <paramref name="sql"/> inside its open transaction.</summary>
    public static async Task<LockHolder> HoldAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        var holder = new LockHolder(connection, transaction);
        await holder.ExecuteAsync(sql, parameters);
        return holder;
    }

    /// <summary>Runs more SQL in the same open transaction.</summary>
    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
#pragma warning disable CA2100 // test SQL: fixed text; values are parameters
        await using var command = new NpgsqlCommand(sql, _connection, _transaction);
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Rolls the transaction back: every lock and uncommitted row goes.</summary>
    public async Task ReleaseAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.RollbackAsync();
            await _transaction.DisposeAsync();
            _transaction = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ReleaseAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
