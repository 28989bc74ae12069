using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Core.Samples;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>Loads files into a test database and reads back what the database holds.</summary>
internal sealed class LoaderTestSupport : IAsyncDisposable
{
    public const string Header = SampleGenerator.Header;

    private readonly string _directory = Directory.CreateTempSubdirectory("txetl-loader-test-").FullName;

    public LoaderTestSupport(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Loader = new FileLoader(DataSource);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public FileLoader Loader { get; }

    /// <summary>The repository's samples/ folder (tests use the shipped samples as they are).</summary>
    public static string SamplesDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TransactionEtl.slnx")))
                {
                    return Path.Combine(dir.FullName, "samples");
                }
            }

            throw new InvalidOperationException("TransactionEtl.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public string WriteFile(string name, string text) => WriteFile(name, Encoding.UTF8.GetBytes(text));

    public string WriteFile(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public async Task<string> WriteSampleAsync(string name, long rows, int seed, double faultRate = 0)
    {
        var path = Path.Combine(_directory, name);
        await using var stream = File.Create(path);
        await new SampleGenerator(new SampleOptions { Rows = rows, Seed = seed, FaultRate = faultRate }).WriteAsync(stream, CancellationToken.None);
        return path;
    }

    public Task<FileSummary> LoadAsync(string path, decimal? maxRejectedRatio = null, bool preHash = false, CancellationToken cancellationToken = default) =>
        LoadWithAsync(Loader, path, maxRejectedRatio, preHash, cancellationToken);

    public static async Task<FileSummary> LoadWithAsync(
        FileLoader loader, string path, decimal? maxRejectedRatio = null, bool preHash = false, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return await loader.LoadAsync(new LoadRequest
        {
            Source = SourceIdentity.ForLocalFile(path),
            Content = stream,
            MaxRejectedRatio = maxRejectedRatio,
            // As txetl run does: the loader asks for the hash when this path was loaded before with the same size.
            HashContentAsync = preHash ? _ => Task.FromResult(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))) : null,
            SizeBytes = stream.Length,
        }, cancellationToken);
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return (T)result!;
    }

    public Task<long> CountAsync(string table, long fileId) =>
        ScalarAsync<long>($"SELECT count(*) FROM txetl.{table} WHERE file_id = @id", ("id", fileId));

    public async Task<List<(long Line, string Raw, string Errors)>> RejectedRowsAsync(long fileId)
    {
        var rows = new List<(long, string, string)>();
        await using var command = DataSource.CreateCommand("SELECT line, raw_record, errors::text FROM txetl.rejected_rows WHERE file_id = @id ORDER BY line");
        command.Parameters.AddWithValue("id", fileId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>
    /// The spec's accounting invariant, checked against the summary, the ledger row and the rows stored:
    /// rows_total = valid + rejected + duplicate; rows_loaded = valid unless rejected (then 0).
    /// </summary>
    public async Task AssertAccountingAsync(FileSummary summary)
    {
        Assert.NotNull(summary.FileId);
        var fileId = summary.FileId!.Value;
        var valid = summary.RowsTotal - summary.RowsRejected - summary.RowsDuplicate;
        Assert.True(valid >= 0, $"negative valid rows in {summary}");
        Assert.Equal(summary.Status == FileStatus.Rejected ? 0 : valid, summary.RowsLoaded);
        Assert.Equal(summary.RowsLoaded, await CountAsync("transactions", fileId));
        Assert.Equal(summary.RowsRejected + summary.RowsDuplicate, await CountAsync("rejected_rows", fileId));

        var ledger = await new IngestionLedger(DataSource).FindAsync(fileId, CancellationToken.None);
        Assert.NotNull(ledger);
        Assert.Equal(summary.Status, ledger!.Status);
        Assert.Equal(summary.RowsTotal, ledger.RowsTotal);
        Assert.Equal(summary.RowsLoaded, ledger.RowsLoaded);
        Assert.Equal(summary.RowsRejected, ledger.RowsRejected);
        Assert.Equal(summary.RowsDuplicate, ledger.RowsDuplicate);
        Assert.Equal(summary.Sha256, ledger.Sha256);
        Assert.Equal(summary.RejectReasons, ledger.RejectReasons);
    }

    public static long Id(FileSummary summary) => summary.FileId!.Value;

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
