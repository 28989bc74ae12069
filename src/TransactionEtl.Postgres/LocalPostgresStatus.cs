namespace TransactionEtl.Postgres;

/// <summary>The state of a local cluster; <see cref="Port"/> and <see cref="Pid"/> are set only while it runs.</summary>
/// <param name="State">Created, stopped or running.</param>
/// <param name="DataDirectory">The cluster's data directory.</param>
/// <param name="Port">Loopback TCP port (and Unix socket number) of the running server.</param>
/// <param name="Pid">Process id of the running postmaster.</param>
public sealed record LocalPostgresStatus(LocalPostgresState State, string DataDirectory, int? Port, int? Pid);
