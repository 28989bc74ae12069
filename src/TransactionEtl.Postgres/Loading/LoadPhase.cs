namespace TransactionEtl.Postgres.Loading;

/// <summary>
/// The steps of one load, in the order they can happen. A load shows some of them: a clean or in-file-duplicate file
/// on the direct path reads once and commits; a file whose ids were stored before also reads again into the staging
/// table, checks keys and loads the staged rows. Each step has its own progress, so none goes backwards.
/// </summary>
public enum LoadPhase
{
    /// <summary>Reading the file and sending its rows (bytes read of the file's size).</summary>
    Reading,

    /// <summary>The direct COPY met a stored id: reading the file a second time into the staging table (bytes read).</summary>
    ReadingAgain,

    /// <summary>Marking repeated and stored keys in the staging table (one statement; no count).</summary>
    CheckingKeys,

    /// <summary>Inserting the staged valid rows into the target (one statement; no count).</summary>
    LoadingStagedRows,

    /// <summary>Finishing the ledger row, the last look at the source, and the commit (no count).</summary>
    Committing,
}
