using System.Text;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// The output types of Table Schema v2's string formats and structured types (uuid, bytea, jsonb, point) stored by
/// both loader paths into a real table, read back by PostgreSQL itself. The table is created here; creating it from
/// the contract is another part of issue 16.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed through IAsyncLifetime, which xunit 2 calls.")]
public sealed class StructuredTypeLoadTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string ContractJson = """
        { "name": "shapes", "version": "1", "dialect": { "delimiter": ";" },
          "fields": [
            { "name": "id", "type": "integer", "constraints": { "required": true } },
            { "name": "uid", "type": "string", "format": "uuid", "constraints": { "unique": true } },
            { "name": "blob", "type": "string", "format": "binary" },
            { "name": "email", "type": "string", "format": "email" },
            { "name": "site", "type": "string", "format": "uri" },
            { "name": "doc", "type": "object" },
            { "name": "arr", "type": "array" },
            { "name": "tags", "type": "list", "itemType": "integer" },
            { "name": "place", "type": "geopoint" },
            { "name": "area", "type": "geojson" },
            { "name": "raw", "type": "any" }
          ],
          "primaryKey": ["id"] }
        """;

    private const string Table =
        "CREATE TABLE IF NOT EXISTS txetl.shapes (id bigint PRIMARY KEY, uid uuid UNIQUE, blob bytea, email text, site text, doc jsonb, arr jsonb, " +
        "tags jsonb, place point, area jsonb, raw text, file_id bigint NOT NULL, source_line bigint NOT NULL)";

    private const string Header = "id;uid;blob;email;site;doc;arr;tags;place;area;raw";

    private readonly LoaderTestSupport _t = new(db.ConnectionString);
    private readonly Contract _contract = Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(ContractJson)), "shapes.json", null);

    public async Task InitializeAsync()
    {
        await using var create = _t.DataSource.CreateCommand(Table);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Theory]
    [InlineData(true, 100)]
    [InlineData(false, 200)]
    public async Task Stores_one_row_of_each_new_output_type_and_nulls_on_either_path(bool seekable, int id)
    {
        string csv = Header + "\n" +
            $"{id};0F8FAD5B-D9CB-469F-A165-70867728950E;dGVzdA==;a.b@example.com;https://example.com/a?b=1;" +
            "\"{\"\"k\"\": \"\"v€\"\", \"\"n\"\": 1.50}\";\"[1, \"\"two\"\"]\";1, 2 ,3;\"90.50, -45.25\";" +
            "\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [13.4, 52.5]}\"; as is \n" +
            $"{id + 1};;;;;;;;;;\n";
        // Two files must not share a uuid or bytes (the ledger answers the second already_loaded).
        if (!seekable)
        {
            csv = csv.Replace("0F8FAD5B", "1F8FAD5B", StringComparison.Ordinal);
        }

        var summary = await LoadAsync(_t.WriteFile($"shapes-{id}.csv", csv), seekable);

        Assert.Equal((FileStatus.Loaded, 2L), (summary.Status, summary.RowsLoaded));
        Assert.Equal(
            $"{(seekable ? "0" : "1")}f8fad5b-d9cb-469f-a165-70867728950e|test|a.b@example.com|https://example.com/a?b=1|v€|1.50|two|[1, 2, 3]|90.5|-45.25|Point| as is ",
            await _t.ScalarAsync<string>(
                "SELECT uid::text || '|' || convert_from(blob, 'UTF8') || '|' || email || '|' || site || '|' || (doc->>'k') || '|' || (doc->>'n') || '|' || " +
                "(arr->>1) || '|' || tags::text || '|' || place[0] || '|' || place[1] || '|' || (area->>'type') || '|' || raw FROM txetl.shapes WHERE id = @id",
                ("id", (long)id)));
        Assert.Equal(10L, await _t.ScalarAsync<long>(
            "SELECT num_nulls(uid, blob, email, site, doc, arr, tags, place, area, raw)::bigint FROM txetl.shapes WHERE id = @id", ("id", (long)id + 1)));
    }

    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 4)]
    public async Task A_unique_value_stored_by_an_earlier_file_rejects_only_that_row_of_the_later_file(bool seekable, int n)
    {
        // The table's UNIQUE constraint on uid makes the direct COPY fall back; staging rejects the row (docs/contracts.md, "Unique values").
        string uid = $"{n}f8fad5b-d9cb-469f-a165-70867728950e";
        var first = await LoadAsync(_t.WriteFile($"unique-a{n}.csv", Header + $"\n{n}000;{uid};;;;;;;;;\n"), seekable);
        var rows = Enumerable.Range(1, 19).Select(i => $"{n}{i:000};;;;;;;;;;").ToList();
        rows.Insert(2, $"{n}500;{uid.ToUpperInvariant()};;;;;;;;;");
        var later = await LoadAsync(_t.WriteFile($"unique-b{n}.csv", Header + "\n" + string.Join("\n", rows) + "\n"), seekable);

        Assert.Equal(FileStatus.Loaded, first.Status);
        Assert.Equal((FileStatus.LoadedWithRejects, 20L, 19L, 1L, 0L), (later.Status, later.RowsTotal, later.RowsLoaded, later.RowsRejected, later.RowsDuplicate));
        Assert.Equal(1L, later.RejectReasons[FileErrorCodes.UniqueError]);
        var fileId = later.FileId!.Value;
        Assert.Equal(19L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.shapes WHERE file_id = @id", ("id", fileId)));
        Assert.Equal("loaded_with_rejects|20|19|1|0", await _t.ScalarAsync<string>(
            "SELECT concat_ws('|', status, rows_total, rows_loaded, rows_rejected, rows_duplicate) FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId)));
        var reject = Assert.Single(await _t.RejectedRowsAsync(fileId));
        Assert.Equal((4L, $"{n}500;{uid.ToUpperInvariant()};;;;;;;;;"), (reject.Line, reject.Raw));
        Assert.Contains("\"code\": \"unique-error\"", reject.Errors, StringComparison.Ordinal);
        Assert.Contains($"uid '{uid}' is stored already (file {first.FileId}, line 2)", reject.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_sent_again_with_its_unique_value_stays_duplicate_existing()
    {
        const string Row = "5000;5f8fad5b-d9cb-469f-a165-70867728950e;;;;;;;;;";
        await LoadAsync(_t.WriteFile("unique-again-a.csv", Header + $"\n{Row}\n"), seekable: true);

        var again = await LoadAsync(_t.WriteFile("unique-again-b.csv", Header + $"\n{Row}\n5001;;;;;;;;;;\n"), seekable: true);

        Assert.Equal((FileStatus.Loaded, 1L, 0L, 1L), (again.Status, again.RowsLoaded, again.RowsRejected, again.RowsDuplicate));
        Assert.False(again.RejectReasons.ContainsKey(FileErrorCodes.UniqueError));
    }

    [Fact]
    public async Task Without_a_unique_index_on_the_column_a_value_another_file_stored_loads_again_on_the_staging_path_too()
    {
        // As the direct COPY does: no index, no violation. A unique geopoint (no index possible) is not checked either.
        var contract = await CreateVariantAsync("shapes_loose",
            "uid uuid, blob bytea, email text, site text, doc jsonb, arr jsonb, tags jsonb, place point, area jsonb, raw text",
            ContractJson.Replace("\"type\": \"geopoint\" }", "\"type\": \"geopoint\", \"constraints\": { \"unique\": true } }", StringComparison.Ordinal));
        const string Values = ";6f8fad5b-d9cb-469f-a165-70867728950e;;;;;;;\"1, 2\";;";
        await LoadAsync(_t.WriteFile("loose-a.csv", Header + $"\n600{Values}\n"), seekable: false, contract);

        var later = await LoadAsync(_t.WriteFile("loose-b.csv", Header + $"\n601{Values}\n"), seekable: false, contract);

        Assert.Equal((FileStatus.Loaded, 1L), (later.Status, later.RowsLoaded));
        Assert.Equal(2L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.shapes_loose WHERE uid = '6f8fad5b-d9cb-469f-a165-70867728950e'"));
    }

    [Fact]
    public async Task A_target_column_of_another_type_than_the_new_output_types_fails_the_load_naming_it()
    {
        var contract = await CreateVariantAsync("shapes_text",
            "uid text, blob text, email text, site text, doc json, arr jsonb, tags jsonb, place text, area jsonb, raw text", ContractJson);
        var path = _t.WriteFile("shapes-text.csv", Header + "\n300;;;;;;;;;;\n");
        var error = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => LoadAsync(path, seekable: true, contract));

        Assert.Contains("column uid is text but its values are uuid", error.Message, StringComparison.Ordinal);
        Assert.Contains("column blob is text but its values are bytea", error.Message, StringComparison.Ordinal);
        Assert.Contains("column doc is json but its values are jsonb", error.Message, StringComparison.Ordinal);
        Assert.Contains("column place is text but its values are point", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Another table of the shapes' columns (their SQL given) and the contract, renamed to load into it.</summary>
    private async Task<Contract> CreateVariantAsync(string table, string columns, string contractJson)
    {
        await using (var create = _t.DataSource.CreateCommand(
            $"CREATE TABLE IF NOT EXISTS txetl.{table} (id bigint PRIMARY KEY, {columns}, file_id bigint NOT NULL, source_line bigint NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var json = contractJson.Replace("\"name\": \"shapes\"", $"\"name\": \"{table}\"", StringComparison.Ordinal);
        return Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), table + ".json", null);
    }

    private async Task<FileSummary> LoadAsync(string path, bool seekable, Contract? contract = null)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        await using Stream stream = seekable ? new MemoryStream(bytes) : new ContentStream(bytes, seekable: false);
        return await _t.Loader.LoadAsync(new LoadRequest
        {
            Source = SourceIdentity.ForLocalFile(path),
            Content = stream,
            Contract = contract ?? _contract,
        }, CancellationToken.None);
    }
}
