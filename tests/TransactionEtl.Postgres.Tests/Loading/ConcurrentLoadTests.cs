using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>Two loaders at once, each with its own data source (own connections), on one real database.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed through IAsyncLifetime, which xunit 2 calls.")]
public sealed class ConcurrentLoadTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly LoaderTestSupport _t = new(db.ConnectionString);

    // xunit 2 calls IAsyncLifetime, not IAsyncDisposable, on test classes.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Same_file_given_to_two_loaders_at_once_is_loaded_once()
    {
        var path = await _t.WriteSampleAsync("same.csv", 60_000, seed: 501, faultRate: 0.01);
        await using var other = new LoaderTestSupport(db.ConnectionString);

        var results = await Task.WhenAll(
            Task.Run(() => _t.LoadAsync(path)),
            Task.Run(() => other.LoadAsync(path)));

        var statuses = results.Select(r => r.Status).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { FileStatus.AlreadyLoaded, FileStatus.LoadedWithRejects }, statuses);
        var loaded = results.Single(r => r.Status != FileStatus.AlreadyLoaded);
        await _t.AssertAccountingAsync(loaded);
        Assert.Equal(loaded.RowsLoaded, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX501-%'"));
    }

    [Fact]
    public async Task Same_bytes_from_two_sources_at_once_are_loaded_once()
    {
        // Different source identities do not share the source lock: the hash lock at commit decides.
        var a = await _t.WriteSampleAsync("twin-a.csv", 60_000, seed: 502);
        var b = _t.WriteFile("twin-b.csv", await File.ReadAllBytesAsync(a));
        await using var other = new LoaderTestSupport(db.ConnectionString);

        var results = await Task.WhenAll(
            Task.Run(() => _t.LoadAsync(a)),
            Task.Run(() => other.LoadAsync(b)));

        Assert.Single(results, r => r.Status == FileStatus.Loaded);
        Assert.Single(results, r => r.Status == FileStatus.AlreadyLoaded);
        Assert.Equal(60_000L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX502-%'"));
        Assert.Equal(0L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.rejected_rows r JOIN txetl.ingestion_files f USING (file_id) WHERE f.source_path LIKE '%twin-%'"));
    }

    [Fact]
    public async Task Overlapping_ids_in_two_files_loaded_at_once_are_stored_once()
    {
        // Different content, shared ids: the second insert waits on the first's transaction, then counts
        // the shared ids as duplicate-existing instead of failing on the primary key.
        var ids = Enumerable.Range(1, 20_000).ToArray();
        string Row(int i, string amount) => $"OVL-{i:D6},2025-05-01T10:00:00Z,ACC-1,Shop,books,{amount},EUR,FR,,";
        var a = _t.WriteFile("ovl-a.csv", LoaderTestSupport.Header + "\n" + string.Join("\n", ids.Select(i => Row(i, "1.00"))) + "\n");
        var b = _t.WriteFile("ovl-b.csv", LoaderTestSupport.Header + "\n" + string.Join("\n", ids.Skip(10_000).Select(i => Row(i, "2.00")).Concat(Enumerable.Range(20_001, 5_000).Select(i => Row(i, "2.00")))) + "\n");
        await using var other = new LoaderTestSupport(db.ConnectionString);

        var results = await Task.WhenAll(Task.Run(() => _t.LoadAsync(a)), Task.Run(() => other.LoadAsync(b)));

        Assert.All(results, r => Assert.Equal(FileStatus.Loaded, r.Status));
        Assert.Equal(10_000, results.Sum(r => r.RowsDuplicate));
        Assert.Equal(25_000L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'OVL-%'"));
        foreach (var r in results)
        {
            await _t.AssertAccountingAsync(r);
        }
    }
}
