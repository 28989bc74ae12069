namespace TransactionEtl.Postgres;

/// <summary>What <see cref="LocalPostgres.GetStatus"/> found in the root directory.</summary>
public enum LocalPostgresState
{
    /// <summary>No cluster has been created there yet.</summary>
    NotCreated,

    /// <summary>A cluster exists but no server runs on it (a stale pid file counts as stopped).</summary>
    Stopped,

    /// <summary>A server runs on the cluster.</summary>
    Running,
}
