namespace TransactionEtl.Postgres;

/// <summary>What <see cref="DatabaseMigrator.MigrateAsync(string, CancellationToken)"/> did.</summary>
/// <param name="AppliedScripts">Scripts applied by this call, in order (empty when the schema was up to date).</param>
/// <param name="KnownScripts">Every script the migrator carries, in order.</param>
public sealed record MigrationResult(IReadOnlyList<string> AppliedScripts, IReadOnlyList<string> KnownScripts)
{
    /// <summary>True when nothing had to be applied.</summary>
    public bool WasUpToDate => AppliedScripts.Count == 0;
}
