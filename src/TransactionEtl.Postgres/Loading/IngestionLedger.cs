using System.Runtime.CompilerServices;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Loading;

/// <summary>Reads the file ledger and the rejected rows (for <c>txetl report</c> and <c>txetl rejects</c>).</summary>
public sealed class IngestionLedger
{
    private const string EntryColumns =
        "file_id, source_uri, status, sha256, rows_total, rows_loaded, rows_rejected, rows_duplicate, " +
        "reject_reasons::text, duplicate_of, attempt, started_at, finished_at, error, header::text, contract_name, contract_version, blank_lines, warnings::text, " +
        "rows_conflicting, rows_updated";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates a reader over <paramref name="dataSource"/>.</summary>
    public IngestionLedger(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>The latest <paramref name="limit"/> ledger rows, newest first.</summary>
    public async IAsyncEnumerable<LedgerEntry> LatestAsync(int limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var command = _dataSource.CreateCommand(
            $"SELECT {EntryColumns} FROM txetl.ingestion_files ORDER BY file_id DESC LIMIT @limit");
        await using (command)
        {
            command.Parameters.AddWithValue("limit", limit);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            await using (reader)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    yield return ReadEntry(reader);
                }
            }
        }
    }

    /// <summary>One ledger row, or null when there is none with that id.</summary>
    public async Task<LedgerEntry?> FindAsync(long fileId, CancellationToken cancellationToken)
    {
        var command = _dataSource.CreateCommand($"SELECT {EntryColumns} FROM txetl.ingestion_files WHERE file_id = @file_id");
        await using (command)
        {
            command.Parameters.AddWithValue("file_id", fileId);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            await using (reader)
            {
                return await reader.ReadAsync(cancellationToken) ? ReadEntry(reader) : null;
            }
        }
    }

    /// <summary>The rejected rows of a file in line order, streamed.</summary>
    public async IAsyncEnumerable<StoredRejectedRow> RejectedRowsAsync(long fileId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var command = _dataSource.CreateCommand(
            "SELECT line, raw_record, errors::text FROM txetl.rejected_rows WHERE file_id = @file_id ORDER BY line");
        await using (command)
        {
            command.Parameters.AddWithValue("file_id", fileId);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            await using (reader)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    yield return new StoredRejectedRow(fileId, reader.GetInt64(0), reader.GetString(1), RejectedRowJson.ReadErrors(reader.GetString(2)));
                }
            }
        }
    }

    /// <summary>
    /// Of <paramref name="keys"/> (primary key values of a single-column key), those that a later file (id above
    /// <paramref name="fileId"/>) loaded into the contract's table, each with that file's id: the rejected rows of
    /// <paramref name="fileId"/> that a resend has since put right.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> LoadedSinceAsync(
        Contract contract, long fileId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(keys);
        var loaded = new Dictionary<string, long>(StringComparer.Ordinal);
        if (contract.PrimaryKey.Count != 1 || keys.Count == 0)
        {
            return loaded;
        }
        var isText = contract.OutputColumns.Any(c => c.Name == contract.PrimaryKey[0] && c.Type == ColumnType.Text);
        // A text key is compared as it is, so the primary-key index answers; any other type is compared as text.
        var key = PgIdentifier.Quote(contract.PrimaryKey[0]) + (isText ? "" : "::text");
        var command = _dataSource.CreateCommand(
            $"SELECT {key}, file_id FROM {PgIdentifier.TargetTable(contract)} WHERE {key} = ANY(@keys) AND file_id > @file_id");
        await using (command)
        {
            command.Parameters.AddWithValue("keys", keys.ToArray());
            command.Parameters.AddWithValue("file_id", fileId);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            await using (reader)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    loaded[reader.GetString(0)] = reader.GetInt64(1);
                }
            }
        }
        return loaded;
    }

    /// <summary>
    /// Records that the file of the latest submission of <paramref name="submitted"/> now lives at <paramref name="moved"/>
    /// (<c>txetl watch</c> moves each file to processed/ or rejected/): the ledger's <c>source_uri</c> then names a file that
    /// exists. The source key, the identity a later file of the same name is compared with, stays the submitted one.
    /// </summary>
    public async Task RecordMovedAsync(SourceIdentity submitted, SourceIdentity moved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        ArgumentNullException.ThrowIfNull(moved);
        var command = _dataSource.CreateCommand(
            "UPDATE txetl.ingestion_files SET source_uri = @moved WHERE file_id = " +
            "(SELECT max(file_id) FROM txetl.ingestion_files WHERE source_key = @key)");
        await using (command)
        {
            command.Parameters.AddWithValue("moved", moved.Uri);
            command.Parameters.AddWithValue("key", submitted.Key);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static LedgerEntry ReadEntry(NpgsqlDataReader reader) => new()
    {
        FileId = reader.GetInt64(0),
        SourceUri = reader.GetString(1),
        Status = reader.GetString(2),
        Sha256 = reader.IsDBNull(3) ? null : reader.GetString(3),
        RowsTotal = reader.IsDBNull(4) ? null : reader.GetInt64(4),
        RowsLoaded = reader.IsDBNull(5) ? null : reader.GetInt64(5),
        RowsRejected = reader.IsDBNull(6) ? null : reader.GetInt64(6),
        RowsDuplicate = reader.IsDBNull(7) ? null : reader.GetInt64(7),
        RejectReasons = LedgerJson.ReadReasons(reader.IsDBNull(8) ? null : reader.GetString(8)),
        DuplicateOf = reader.IsDBNull(9) ? null : reader.GetInt64(9),
        Attempt = reader.GetInt32(10),
        StartedAt = reader.GetDateTime(11),
        FinishedAt = reader.IsDBNull(12) ? null : reader.GetDateTime(12),
        Error = reader.IsDBNull(13) ? null : reader.GetString(13),
        Header = LedgerJson.ReadStrings(reader.IsDBNull(14) ? null : reader.GetString(14)),
        ContractName = reader.GetString(15),
        ContractVersion = reader.GetString(16),
        BlankLines = reader.IsDBNull(17) ? null : reader.GetInt64(17),
        Warnings = LedgerJson.ReadStrings(reader.IsDBNull(18) ? null : reader.GetString(18)),
        RowsConflicting = reader.IsDBNull(19) ? null : reader.GetInt64(19),
        RowsUpdated = reader.IsDBNull(20) ? null : reader.GetInt64(20),
    };
}
