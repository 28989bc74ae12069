using System.Text;
using System.Text.Json;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// The loader's own sentences and failure handling: what SQL writes must read as Core's templates do, and only the
/// failures the loader means become "the load failed".
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed through IAsyncLifetime, which xunit 2 calls.")]
public sealed class LoaderMessageTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly LoaderTestSupport _t = new(db.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task PostgreSQL_formats_the_templates_exactly_as_Core_does()
    {
        var inFile = await _t.ScalarAsync<string>("SELECT format(@f, 'transaction_id', '100%', 2::bigint)", ("f", RowMessages.InFileDuplicateSqlFormat));
        var existing = await _t.ScalarAsync<string>("SELECT format(@f, 'transaction_id', 'TX-1', 7::bigint, 12::bigint)", ("f", RowMessages.DuplicateExistingSqlFormat));

        Assert.Equal(RowMessages.InFileDuplicate("transaction_id", "100%", 2), inFile);
        Assert.Equal(
            "transaction_id TX-1 was loaded before (file 7, line 12); the stored row is left unchanged. " +
            "Give the row a new id if it is a different transaction.", existing);
    }

    [Fact]
    public async Task Run_and_validate_describe_an_in_file_duplicate_in_the_same_sentence()
    {
        var text = LoaderTestSupport.Header + "\n" +
                   "MSG-1,2025-03-01,ACC-1,Shop,books,1.00,EUR,FR,,\n" +
                   "MSG-2,2025-03-01,ACC-1,Shop,books,2.00,EUR,FR,,\n" +
                   "MSG-1,2025-03-02,ACC-9,Other,books,3.00,EUR,FR,,\n";
        var path = _t.WriteFile("same-sentence.csv", text);

        var summary = await _t.LoadAsync(path, maxRejectedRatio: 1m);
        var stored = Assert.Single(await _t.RejectedRowsAsync(LoaderTestSupport.Id(summary)));
        var validated = await ValidateAsync(text);

        using var errors = JsonDocument.Parse(stored.Errors);
        var runMessage = errors.RootElement[0].GetProperty("message").GetString();
        Assert.Equal("transaction_id 'MSG-1' repeats line 2, whose row was kept; give this row its own id or remove it.", runMessage);
        Assert.Equal(runMessage, Assert.Single(validated.Errors).Message);
    }

    [Fact]
    public async Task A_bug_surfaces_as_itself_and_the_ledger_row_says_failed()
    {
        var path = await _t.WriteSampleAsync("bug.csv", 2000, seed: 404);
        await using var stream = File.OpenRead(path);
        var request = new LoadRequest
        {
            Source = SourceIdentity.ForLocalFile(path),
            Content = stream,
            Progress = _ => throw new InvalidOperationException("a bug in a progress callback"),
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _t.Loader.LoadAsync(request, CancellationToken.None));
        var fileId = await _t.ScalarAsync<long>("SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p", ("p", path));
        var entry = await new IngestionLedger(_t.DataSource).FindAsync(fileId, CancellationToken.None);

        Assert.Equal("a bug in a progress callback", error.Message);
        Assert.Equal(FileStatus.Failed, entry!.Status);
        Assert.Contains("InvalidOperationException: a bug in a progress callback", entry.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await _t.CountAsync("transactions", fileId));
    }

    private static async Task<RejectedRow> ValidateAsync(string text)
    {
        var sink = new RejectCollector();
        await FileProcessor.ProcessAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), sink,
            new ProcessingOptions { Contract = Contract.Default, DetectDuplicatesInMemory = true, MaxRejectedRatio = 1m }, CancellationToken.None);
        return Assert.Single(sink.Rejected);
    }

    private sealed class RejectCollector : IRowSink
    {
        public List<RejectedRow> Rejected { get; } = [];

        public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken)
        {
            Rejected.Add(row);
            return ValueTask.CompletedTask;
        }
    }
}
