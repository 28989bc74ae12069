using System.Text;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// Corrections (issue 17 item 3): a key stored with identical content is a duplicate; with other content it is a conflict,
/// rejected as key-conflict by default, or updated (the replaced version kept in the history table) or skipped as the
/// contract's x-txetl.onExistingKey says. Each test uses its own ids, so they share the class's database.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed through IAsyncLifetime, which xunit 2 calls.")]
public sealed class CorrectionsTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly LoaderTestSupport _t = new(db.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private static string CorrectionsDirectory => Path.Combine(LoaderTestSupport.SamplesDirectory, "corrections");

    /// <summary>The shipped default contract with <c>x-txetl.onExistingKey</c> set to <paramref name="mode"/>.</summary>
    private static Contract DefaultWith(string mode)
    {
        var path = Path.Combine(LoaderTestSupport.SamplesDirectory, "..", "contracts", Contract.DefaultFileName);
        var json = File.ReadAllText(path).Replace("\"table\": \"transactions\",", $"\"table\": \"transactions\", \"onExistingKey\": \"{mode}\",", StringComparison.Ordinal);
        Assert.Contains("onExistingKey", json, StringComparison.Ordinal);
        return Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), mode + ".contract.json", baseDirectory: null);
    }

    private static string Row(string prefix, int i, string amount) =>
        $"{prefix}-{i:D3},2025-02-0{1 + (i % 9)}T08:00:00Z,ACC-{i},Shop,books,{amount},EUR,FR,,";

    /// <summary>A file of <paramref name="ids"/> rows of <paramref name="prefix"/> at <paramref name="amount"/>, then <paramref name="fresh"/> new ids.</summary>
    private string WriteRows(string name, string prefix, IEnumerable<int> ids, string amount, int fresh = 0)
    {
        var rows = ids.Select(i => Row(prefix, i, amount)).Concat(Enumerable.Range(500, fresh).Select(i => Row(prefix, i, "1.00")));
        return _t.WriteFile(name, LoaderTestSupport.Header + "\n" + string.Join("\n", rows) + "\n");
    }

    private async Task<FileSummary> LoadAsync(string path, Contract? contract = null)
    {
        await using var stream = File.OpenRead(path);
        return await _t.Loader.LoadAsync(
            new LoadRequest { Source = SourceIdentity.ForLocalFile(path), Content = stream, Contract = contract ?? Contract.Default, SizeBytes = stream.Length },
            CancellationToken.None);
    }

    private Task<long> HistoryCountAsync(string like) =>
        _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions_history WHERE transaction_id LIKE @p", ("p", like));

    [Fact]
    public async Task The_corrections_sample_updates_ten_rows_keeps_their_old_versions_and_a_second_run_is_already_loaded()
    {
        var original = await LoadAsync(Path.Combine(LoaderTestSupport.SamplesDirectory, "transactions.csv"));
        var corrections = Path.Combine(CorrectionsDirectory, "transactions-corrections.csv");
        var contract = Contract.Load(Path.Combine(CorrectionsDirectory, "transactions-corrections.contract.json"));
        var grossBefore = await _t.ScalarAsync<decimal>("SELECT gross_amount FROM txetl.transactions WHERE transaction_id = 'TX2029-00000006'");

        var first = await LoadAsync(corrections, contract);
        var again = await LoadAsync(corrections, contract);
        // The same values in other bytes (rows reversed): a new file, whose every row is identical to the stored one.
        var lines = File.ReadAllLines(corrections);
        var resend = _t.WriteFile("resend.csv", string.Join("\n", lines.Take(1).Concat(lines.Skip(1).Reverse())) + "\n");
        var third = await LoadAsync(resend, contract);

        Assert.Equal(OnExistingKey.Update, contract.OnExistingKey);
        Assert.Equal((FileStatus.Loaded, 10L, 10L, 10L, 0L), (first.Status, first.RowsLoaded, first.RowsUpdated, first.RowsConflicting, first.RowsRejected));
        await _t.AssertAccountingAsync(first);
        var id = LoaderTestSupport.Id(first);
        Assert.Equal(10L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE file_id = @id", ("id", id)));
        Assert.Equal(10L, await _t.ScalarAsync<long>(
            "SELECT count(*) FROM txetl.transactions_history WHERE replaced_by_file_id = @id AND file_id = @old AND replaced_at IS NOT NULL",
            ("id", id), ("old", LoaderTestSupport.Id(original))));
        // The stored row took the correction (39.02 -> 39.20 gross, FR 20 %); the history kept the version before.
        Assert.Equal(39.20m, await _t.ScalarAsync<decimal>("SELECT gross_amount FROM txetl.transactions WHERE transaction_id = 'TX2029-00000006'"));
        Assert.Equal(6L, await _t.ScalarAsync<long>("SELECT source_line FROM txetl.transactions WHERE transaction_id = 'TX2029-00000006'"));
        Assert.Equal(grossBefore, await _t.ScalarAsync<decimal>("SELECT gross_amount FROM txetl.transactions_history WHERE transaction_id = 'TX2029-00000006'"));
        var ledger = await new IngestionLedger(_t.DataSource).FindAsync(id, CancellationToken.None);
        Assert.Equal((10L, 10L), (ledger!.RowsUpdated, ledger.RowsConflicting));

        Assert.Equal(FileStatus.AlreadyLoaded, again.Status);
        Assert.Equal((FileStatus.Loaded, 0L, 0L, 10L, 0L), (third.Status, third.RowsUpdated, third.RowsConflicting, third.RowsDuplicate, third.RowsLoaded));
        Assert.Equal(10L, await HistoryCountAsync("TX2029-%"));
        Assert.Equal(10L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE file_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Without_onExistingKey_ten_changed_ids_are_key_conflicts_naming_the_differing_columns_and_the_stored_file()
    {
        var stored = await LoadAsync(WriteRows("kc-1.csv", "KC", Enumerable.Range(1, 10), "10.00"));
        // 10 of 200 rows (5 %): within the default threshold.
        var summary = await LoadAsync(WriteRows("kc-2.csv", "KC", Enumerable.Range(1, 10), "12.50", fresh: 190));
        var rejected = await _t.RejectedRowsAsync(LoaderTestSupport.Id(summary));

        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.Equal((190L, 10L, 10L, 0L, 0L), (summary.RowsLoaded, summary.RowsRejected, summary.RowsConflicting, summary.RowsUpdated, summary.RowsDuplicate));
        Assert.Equal(10L, summary.RejectReasons[FileErrorCodes.KeyConflict]);
        await _t.AssertAccountingAsync(summary);
        Assert.Equal(10, rejected.Count);
        Assert.Equal(Row("KC", 1, "12.50"), rejected[0].Raw);
        Assert.All(rejected, r =>
        {
            Assert.Contains("\"key-conflict\"", r.Errors, StringComparison.Ordinal);
            Assert.Contains($"(file {LoaderTestSupport.Id(stored)}, line ", r.Errors, StringComparison.Ordinal);
            Assert.Contains("gross_amount: 10.0000 -> 12.5000", r.Errors, StringComparison.Ordinal);
            Assert.Contains("net_amount: ", r.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("merchant:", r.Errors, StringComparison.Ordinal);
        });
        Assert.Equal(10L, await _t.ScalarAsync<long>(
            "SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'KC-0%' AND gross_amount = 10.00 AND file_id = @id",
            ("id", LoaderTestSupport.Id(stored))));
        Assert.Equal(0L, await HistoryCountAsync("KC-%"));
    }

    [Fact]
    public async Task Ten_identical_resent_ids_are_duplicates_not_conflicts()
    {
        await LoadAsync(WriteRows("same-1.csv", "SAME", Enumerable.Range(1, 10), "10.00"));

        var summary = await LoadAsync(WriteRows("same-2.csv", "SAME", Enumerable.Range(1, 10), "10.00", fresh: 5), DefaultWith("update"));

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal((5L, 10L, 0L, 0L, 0L), (summary.RowsLoaded, summary.RowsDuplicate, summary.RowsConflicting, summary.RowsUpdated, summary.RowsRejected));
        await _t.AssertAccountingAsync(summary);
        Assert.Equal(0L, await HistoryCountAsync("SAME-%"));
    }

    [Fact]
    public async Task Skip_keeps_the_stored_rows_records_the_conflicts_and_rejects_nothing()
    {
        var stored = await LoadAsync(WriteRows("skip-1.csv", "SKIP", Enumerable.Range(1, 10), "10.00"));

        var summary = await LoadAsync(WriteRows("skip-2.csv", "SKIP", Enumerable.Range(1, 10), "12.50", fresh: 3), DefaultWith("skip"));
        var rejected = await _t.RejectedRowsAsync(LoaderTestSupport.Id(summary));

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal((13L, 3L, 0L, 10L, 0L, 0L),
            (summary.RowsTotal, summary.RowsLoaded, summary.RowsRejected, summary.RowsConflicting, summary.RowsUpdated, summary.RowsDuplicate));
        Assert.Empty(summary.RejectReasons);
        Assert.Equal(10, rejected.Count);
        Assert.All(rejected, r => Assert.Contains("\"key-conflict-skipped\"", r.Errors, StringComparison.Ordinal));
        Assert.Equal(10L, await _t.ScalarAsync<long>(
            "SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'SKIP-0%' AND gross_amount = 10.00 AND file_id = @id",
            ("id", LoaderTestSupport.Id(stored))));
        var ledger = await new IngestionLedger(_t.DataSource).FindAsync(LoaderTestSupport.Id(summary), CancellationToken.None);
        Assert.Equal((3L, 10L, 0L), (ledger!.RowsLoaded, ledger.RowsConflicting, ledger.RowsUpdated));
    }

    [Fact]
    public async Task Key_conflicts_count_against_the_threshold_and_reject_the_file_as_a_whole()
    {
        await LoadAsync(WriteRows("th-1.csv", "TH", Enumerable.Range(1, 10), "10.00"));

        var summary = await LoadAsync(WriteRows("th-2.csv", "TH", Enumerable.Range(1, 10), "12.50", fresh: 10));

        Assert.Equal(FileStatus.Rejected, summary.Status);
        Assert.Equal((0L, 10L, 10L), (summary.RowsLoaded, summary.RowsRejected, summary.RowsConflicting));
        Assert.Equal(1L, summary.RejectReasons[FileErrorCodes.TooManyRejects]);
        Assert.Equal(10L, summary.RejectReasons[FileErrorCodes.KeyConflict]);
        Assert.Equal(0L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TH-5%'"));
        Assert.Equal(10L, (await _t.RejectedRowsAsync(LoaderTestSupport.Id(summary))).Count);
    }

    [Fact]
    public async Task Update_changes_nothing_when_the_file_is_rejected_as_a_whole()
    {
        await LoadAsync(WriteRows("thu-1.csv", "THU", Enumerable.Range(1, 10), "10.00"));
        var rows = Enumerable.Range(1, 10).Select(i => Row("THU", i, "12.50")).Concat(Enumerable.Range(50, 2).Select(i => Row("THU", i, "abc")));

        var summary = await LoadAsync(_t.WriteFile("thu-2.csv", LoaderTestSupport.Header + "\n" + string.Join("\n", rows) + "\n"), DefaultWith("update"));

        Assert.Equal(FileStatus.Rejected, summary.Status);
        Assert.Equal((0L, 2L, 10L, 0L), (summary.RowsLoaded, summary.RowsRejected, summary.RowsConflicting, summary.RowsUpdated));
        Assert.Equal(0L, await HistoryCountAsync("THU-%"));
        Assert.Equal(10L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'THU-%' AND gross_amount = 10.00"));
    }

    [Fact]
    public async Task Within_a_file_the_first_occurrence_of_a_key_is_the_correction_and_a_later_one_is_rejected()
    {
        await LoadAsync(WriteRows("first-1.csv", "FW", [1], "10.00"));
        // 1 reject of 21 rows: within the default threshold.
        var rows = new[] { Row("FW", 1, "11.00"), Row("FW", 1, "99.00") }.Concat(Enumerable.Range(500, 19).Select(i => Row("FW", i, "1.00")));

        var summary = await LoadAsync(_t.WriteFile("first-2.csv", LoaderTestSupport.Header + "\n" + string.Join("\n", rows) + "\n"), DefaultWith("update"));

        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.Equal((1L, 1L, 1L), (summary.RowsUpdated, summary.RowsRejected, summary.RejectReasons[FileErrorCodes.PrimaryKey]));
        Assert.Equal(11.00m, await _t.ScalarAsync<decimal>("SELECT gross_amount FROM txetl.transactions WHERE transaction_id = 'FW-001'"));
        Assert.Equal(10.00m, await _t.ScalarAsync<decimal>("SELECT gross_amount FROM txetl.transactions_history WHERE transaction_id = 'FW-001'"));
    }

    [Fact]
    public async Task A_contract_table_gets_a_history_table_and_takes_corrections()
    {
        const string Json = """
            { "name": "bins", "version": "1", "primaryKey": "bin",
              "fields": [{ "name": "bin", "type": "integer", "constraints": { "required": true } }, { "name": "place", "type": "string" }],
              "x-txetl": { "table": "bins_corrected", "onExistingKey": "update" } }
            """;
        var contract = Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(Json)), "bins.json", baseDirectory: null);

        var first = await LoadAsync(_t.WriteFile("bins-1.csv", "bin,place\n1,north\n2,\n"), contract);
        var second = await LoadAsync(_t.WriteFile("bins-2.csv", "bin,place\n1,south\n2,\n3,west\n"), contract);

        Assert.Equal(FileStatus.Loaded, first.Status);
        Assert.Equal((FileStatus.Loaded, 2L, 1L, 1L), (second.Status, second.RowsLoaded, second.RowsUpdated, second.RowsDuplicate));
        Assert.Equal("north " + first.FileId, await _t.ScalarAsync<string>(
            "SELECT place || ' ' || file_id FROM txetl.bins_corrected_history WHERE bin = 1 AND replaced_by_file_id = @id", ("id", LoaderTestSupport.Id(second))));
        Assert.Equal("south", await _t.ScalarAsync<string>("SELECT place FROM txetl.bins_corrected WHERE bin = 1"));
        Assert.Contains("CREATE TABLE \"txetl\".\"bins_corrected_history\" (LIKE \"txetl\".\"bins_corrected\"", ContractDdl.CreateTable(contract), StringComparison.Ordinal);
        Assert.Equal(ContractDdl.CreateTable(contract), await _t.ScalarAsync<string>(
            "SELECT ddl FROM txetl.contracts WHERE target_table = 'bins_corrected' AND action = 'created'"));
    }

    [Fact]
    public async Task A_contract_table_without_its_history_gets_it_on_the_first_update_load()
    {
        // As a table created before migration 0007 (which the migration gives its history the same way).
        const string Json = """
            { "name": "racks", "version": "1", "primaryKey": "rack",
              "fields": [{ "name": "rack", "type": "integer", "constraints": { "required": true } }, { "name": "row_no", "type": "integer" }],
              "x-txetl": { "table": "racks_old" } }
            """;
        var plain = Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(Json)), "racks.json", baseDirectory: null);
        var update = Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(Json.Replace("\"racks_old\" }", "\"racks_old\", \"onExistingKey\": \"update\" }", StringComparison.Ordinal))), "racks-update.json", baseDirectory: null);
        await LoadAsync(_t.WriteFile("racks-1.csv", "rack,row_no\n1,10\n"), plain);
        await _t.ScalarAsync<int>("DROP TABLE txetl.racks_old_history; SELECT 1");

        var summary = await LoadAsync(_t.WriteFile("racks-2.csv", "rack,row_no\n1,11\n"), update);

        Assert.Equal((FileStatus.Loaded, 1L), (summary.Status, summary.RowsUpdated));
        Assert.Equal(10L, await _t.ScalarAsync<long>("SELECT row_no FROM txetl.racks_old_history WHERE rack = 1"));
    }
}
