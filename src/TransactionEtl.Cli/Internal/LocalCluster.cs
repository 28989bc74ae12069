namespace TransactionEtl.Cli.Internal;

/// <summary>Whether a command may create the local cluster when there is none (see <see cref="DatabaseTarget"/>).</summary>
internal enum LocalCluster
{
    /// <summary>Commands that load or migrate: create the cluster on first use.</summary>
    CreateIfMissing,

    /// <summary>Read-only commands: a missing cluster is an error that says where it was looked for.</summary>
    MustExist,
}
