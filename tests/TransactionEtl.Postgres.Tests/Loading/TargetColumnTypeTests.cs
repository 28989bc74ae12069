using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// Binary COPY trusts the target column's type, so the loader checks the types first. Its own database: the test
/// changes the target table.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed through IAsyncLifetime, which xunit 2 calls.")]
public sealed class TargetColumnTypeTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly LoaderTestSupport _t = new(db.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task A_column_of_another_type_fails_the_load_naming_it_before_anything_is_copied()
    {
        // An integer column would take a four-character text value's bytes without any error.
        await using (var alter = _t.DataSource.CreateCommand(
            "ALTER TABLE txetl.transactions ALTER COLUMN tax_rate TYPE real, ALTER COLUMN tax_rule_id TYPE integer USING 0"))
        {
            await alter.ExecuteNonQueryAsync();
        }

        var path = await _t.WriteSampleAsync("mistyped.csv", 200, seed: 141);

        var error = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => _t.LoadAsync(path));
        var fileId = await _t.ScalarAsync<long>("SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p", ("p", path));
        var failed = await new IngestionLedger(_t.DataSource).FindAsync(fileId, CancellationToken.None);

        Assert.Contains("column tax_rate is real but its values are numeric", error.Message, StringComparison.Ordinal);
        Assert.Contains("column tax_rule_id is integer but its values are text", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Equal(FileStatus.Failed, failed!.Status);
        Assert.Equal(0L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions"));
    }
}
