using System.Text;
using Npgsql;
using NpgsqlTypes;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// One row of each Table Schema v2 type added in issue 16 (time, year, yearmonth, duration) plus a locale-formatted
/// number and date, loaded through both COPY paths into a real table. The test creates the table itself: creating it
/// from the contract is separate work.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed through IAsyncLifetime, which xunit 2 calls.")]
public sealed class NewFieldTypesLoadTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string Header = "id;at;yr;ym;dur;amount;day\n";

    private readonly LoaderTestSupport _t = new(db.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Loads_time_year_yearmonth_duration_and_locale_forms_through_the_direct_path()
    {
        await CreateTableAsync("typed_direct", "yr integer");
        var summary = await LoadAsync("typed_direct", "direct.csv", Header + "1;14:30:15.25;2024;2024-03;P1Y2M3DT4H5M6.5S;€ 1.234,50;31.12.2024\n");

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal(
            ["1", "14:30:15.25", "2024", "2024-03-01", "1 year 2 mons 3 days 04:05:06.5", "1234.50", "2024-12-31"],
            await RowAsync("typed_direct", 1));
        // Npgsql reads the same bytes back as the CLR values the engine produced.
        await using var read = _t.DataSource.CreateCommand("SELECT at, yr, ym, dur FROM txetl.typed_direct");
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(new TimeOnly(14, 30, 15, 250), reader.GetFieldValue<TimeOnly>(0));
        Assert.Equal(2024, reader.GetInt32(1));
        Assert.Equal(new DateOnly(2024, 3, 1), reader.GetFieldValue<DateOnly>(2));
        Assert.Equal(new NpgsqlInterval(14, 3, 14_706_500_000), reader.GetFieldValue<NpgsqlInterval>(3));
    }

    [Fact]
    public async Task Loads_the_same_types_through_the_staging_path()
    {
        // A key stored before makes the direct COPY fail; the file is then read again into the staging table,
        // whose COPY goes through Npgsql's importer (CopyValues) instead of the loader's own writer.
        await CreateTableAsync("typed_staged", "yr integer");
        await LoadAsync("typed_staged", "seed.csv", Header + "2;00:00:01;2000;2000-01;P2W;1;02.01.2000\n");
        var summary = await LoadAsync("typed_staged", "staged.csv",
            Header + "2;00:00:01;2000;2000-01;P2W;1;02.01.2000\n3;00:00:00;0001;9999-12;-P1M2DT3H;-0,5 EUR;02.01.0001\n");

        Assert.Equal((FileStatus.Loaded, 1L, 1L), (summary.Status, summary.RowsLoaded, summary.RowsDuplicate));
        Assert.Equal(["2", "00:00:01", "2000", "2000-01-01", "14 days", "1", "2000-01-02"], await RowAsync("typed_staged", 2));
        Assert.Equal(["3", "00:00:00", "1", "9999-12-01", "-1 mons -2 days -03:00:00", "-0.5", "0001-01-02"], await RowAsync("typed_staged", 3));
    }

    [Fact]
    public async Task A_year_column_of_another_integer_type_fails_the_load_naming_it()
    {
        await CreateTableAsync("typed_wrong", "yr bigint");
        var error = await Assert.ThrowsAnyAsync<TransactionEtlException>(() =>
            LoadAsync("typed_wrong", "wrong.csv", Header + "3;10:00:00;2024;2024-03;P1D;1;01.01.2024\n"));
        Assert.Contains("column yr is bigint but its values are integer", error.Message, StringComparison.Ordinal);
    }

    private static Contract TypedContract(string table) => Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes($$"""
        {
          "name": "{{table}}", "version": "1", "dialect": { "delimiter": ";" },
          "fields": [
            { "name": "id", "type": "integer", "constraints": { "required": true } },
            { "name": "at", "type": "time" },
            { "name": "yr", "type": "year" },
            { "name": "ym", "type": "yearmonth" },
            { "name": "dur", "type": "duration" },
            { "name": "amount", "type": "number", "decimalChar": ",", "groupChar": ".", "bareNumber": false },
            { "name": "day", "type": "date", "format": "%d.%m.%Y" }
          ],
          "primaryKey": "id",
          "x-txetl": { "maxRejectedRatio": 0 }
        }
        """)), "typed.json", null);

    private async Task CreateTableAsync(string table, string yearColumn)
    {
        await using var create = _t.DataSource.CreateCommand(
            $"CREATE TABLE txetl.{table} (id bigint PRIMARY KEY, at time, {yearColumn}, ym date, dur interval, amount numeric, day date, " +
            "file_id bigint NOT NULL, source_line bigint NOT NULL)");
        await create.ExecuteNonQueryAsync();
    }

    private async Task<FileSummary> LoadAsync(string table, string name, string csv)
    {
        var path = _t.WriteFile(name, csv);
        await using var stream = File.OpenRead(path);
        return await _t.Loader.LoadAsync(new LoadRequest
        {
            Source = SourceIdentity.ForLocalFile(path),
            Content = stream,
            Contract = TypedContract(table),
            SizeBytes = stream.Length,
        }, CancellationToken.None);
    }

    private async Task<string[]> RowAsync(string table, long id)
    {
        await using var command = _t.DataSource.CreateCommand(
            $"SELECT id::text, at::text, yr::text, ym::text, dur::text, amount::text, day::text FROM txetl.{table} WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no row {id} in {table}");
        return Enumerable.Range(0, 7).Select(reader.GetString).ToArray();
    }
}
