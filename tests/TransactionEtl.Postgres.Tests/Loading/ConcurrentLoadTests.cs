using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;
using TransactionEtl.Testing.Faults;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// Two loaders at once, each with its own data source (own connections), on one real database. Each test holds
/// the first load part-way through its file (its content stream pauses) and releases it only once the server shows
/// the second load waiting for the first: so the two loads provably overlap, instead of perhaps running one after
/// the other.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed through IAsyncLifetime, which xunit 2 calls.")]
public sealed class ConcurrentLoadTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly LoaderTestSupport _t = new(db.ConnectionString);
    private readonly ServerActivity _activity = new(db.ConnectionString);

    // Predicates over pg_stat_activity a: where the held first load is. Its source lock is held from the start of
    // the load to its end, whichever path it takes (a file whose ids repeat falls back from the direct COPY).
    private const string HoldsSourceLock =
        "EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted AND l.locktype = 'advisory')";

    // xunit 2 calls IAsyncLifetime, not IAsyncDisposable, on test classes.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Same_file_given_to_two_loaders_at_once_is_loaded_once()
    {
        var path = await _t.WriteSampleAsync("same.csv", 60_000, seed: 501, faultRate: 0.01);
        await using var other = new LoaderTestSupport(db.ConnectionString);

        // The second loader of the same source waits for the first one's source lock.
        var (first, second) = await OverlapAsync(_t.Loader, path, HoldsSourceLock, other.Loader, path,
            ServerActivity.WaitingForAdvisoryLock, "second loader waiting for the source lock");

        Assert.Equal(FileStatus.LoadedWithRejects, first.Status);
        Assert.Equal(FileStatus.AlreadyLoaded, second.Status);
        Assert.Equal(first.FileId, second.FileId);
        await _t.AssertAccountingAsync(first);
        Assert.Equal(first.RowsLoaded, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX501-%'"));
    }

    [Fact]
    public async Task Same_bytes_from_two_sources_at_once_are_loaded_once()
    {
        // Different source identities do not share the source lock: the second COPY waits for the first's
        // uncommitted ids, falls back once they commit, and the hash lock at commit finds the first load.
        var a = await _t.WriteSampleAsync("twin-a.csv", 60_000, seed: 502);
        var b = _t.WriteFile("twin-b.csv", await File.ReadAllBytesAsync(a));
        await using var other = new LoaderTestSupport(db.ConnectionString);

        var (first, second) = await OverlapAsync(_t.Loader, a, ServerActivity.HasWrittenTransactions, other.Loader, b,
            "a.wait_event_type = 'Lock'", "second COPY waiting for the first's ids");

        Assert.Equal(FileStatus.Loaded, first.Status);
        Assert.Equal(FileStatus.AlreadyLoaded, second.Status);
        Assert.Equal(first.FileId, second.FileId);
        Assert.Equal(60_000L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX502-%'"));
        Assert.Equal(0L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.rejected_rows r JOIN txetl.ingestion_files f USING (file_id) WHERE f.source_path LIKE '%twin-%'"));
    }

    [Fact]
    public async Task Overlapping_ids_in_two_files_loaded_at_once_are_stored_once()
    {
        // Shared ids re-sent as they are, in a file of other bytes: the second insert waits on the first's transaction,
        // then counts the shared ids as duplicate-existing instead of failing on the primary key. (With other content
        // they would be key-conflicts: CorrectionsTests.)
        var ids = Enumerable.Range(1, 20_000).ToArray();
        string Row(int i, string amount) => $"OVL-{i:D6},2025-05-01T10:00:00Z,ACC-1,Shop,books,{amount},EUR,FR,,";
        var a = _t.WriteFile("ovl-a.csv", LoaderTestSupport.Header + "\n" + string.Join("\n", ids.Select(i => Row(i, "1.00"))) + "\n");
        var b = _t.WriteFile("ovl-b.csv", LoaderTestSupport.Header + "\n" + string.Join("\n", ids.Skip(10_000).Select(i => Row(i, "1.00")).Concat(Enumerable.Range(20_001, 5_000).Select(i => Row(i, "2.00")))) + "\n");
        await using var other = new LoaderTestSupport(db.ConnectionString);

        var (first, second) = await OverlapAsync(_t.Loader, a, ServerActivity.HasWrittenTransactions, other.Loader, b,
            "a.wait_event_type = 'Lock'", "second COPY waiting for the first's ids");

        Assert.All(new[] { first, second }, r => Assert.Equal(FileStatus.Loaded, r.Status));
        Assert.Equal(0, first.RowsDuplicate);
        Assert.Equal(10_000, second.RowsDuplicate);
        Assert.Equal(25_000L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'OVL-%'"));
        foreach (var r in new[] { first, second })
        {
            await _t.AssertAccountingAsync(r);
        }
    }

    /// <summary>
    /// Starts the first load and holds it when it has read nine tenths of its bytes, waits until the server shows
    /// its session matching <paramref name="firstHolds"/>, starts the second, waits until the server shows the
    /// second's session matching <paramref name="secondWaits"/> and blocked by the first's session, and only then
    /// lets the first go on.
    /// </summary>
    private async Task<(FileSummary First, FileSummary Second)> OverlapAsync(
        FileLoader firstLoader, string firstPath, string firstHolds, FileLoader secondLoader, string secondPath, string secondWaits, string stage)
    {
        var bytes = await File.ReadAllBytesAsync(firstPath);
        await using var held = new ContentStream(bytes, seekable: true, pauseAt: bytes.Length * 9L / 10);
        var first = Task.Run(() => firstLoader.LoadAsync(Request(firstPath, held), CancellationToken.None));
        await held.Paused.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var firstPid = await _activity.WaitForSessionAsync(firstHolds, "first load held",
            () => first.IsCompleted ? "the first load ended" : null);

        var second = Task.Run(() => LoaderTestSupport.LoadWithAsync(secondLoader, secondPath));
        await _activity.WaitForSessionAsync($"{ServerActivity.BlockedBy(firstPid)} AND {secondWaits}", stage,
            () => second.IsCompleted ? "the second load ended while the first was held" : first.IsCompleted ? "the first load ended while held" : null);
        Assert.False(first.IsCompleted, "the first load ended while its content was held");
        held.Resume();

        var results = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromMinutes(5));
        return (results[0], results[1]);

        static LoadRequest Request(string path, Stream content) => new()
        {
            Source = SourceIdentity.ForLocalFile(path),
            Content = content,
            SizeBytes = content.Length,
        };
    }
}
