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

    [Fact]
    public async Task A_unique_value_stored_by_an_earlier_file_rolls_the_later_load_back_with_nothing_stored()
    {
        // The table's UNIQUE constraint is the check across files (docs/contracts.md, "Unique values").
        const string Uid = "2f8fad5b-d9cb-469f-a165-70867728950e";
        var first = await LoadAsync(_t.WriteFile("unique-a.csv", Header + $"\n300;{Uid};;;;;;;;;\n"), seekable: true);
        var later = _t.WriteFile("unique-b.csv", Header + $"\n400;{Uid};;;;;;;;;\n401;;;;;;;;;;\n");

        await Assert.ThrowsAnyAsync<TransactionEtlException>(() => LoadAsync(later, seekable: true));

        Assert.Equal(FileStatus.Loaded, first.Status);
        Assert.Equal(0L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.shapes WHERE id >= 400"));
    }

    [Fact]
    public async Task A_target_column_of_another_type_than_the_new_output_types_fails_the_load_naming_it()
    {
        await using (var create = _t.DataSource.CreateCommand(
            "CREATE TABLE IF NOT EXISTS txetl.shapes_text (id bigint PRIMARY KEY, uid text, blob text, email text, site text, doc json, arr jsonb, " +
            "tags jsonb, place text, area jsonb, raw text, file_id bigint NOT NULL, source_line bigint NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var contract = Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(ContractJson.Replace("\"name\": \"shapes\"", "\"name\": \"shapes_text\"", StringComparison.Ordinal))), "t.json", null);
        var path = _t.WriteFile("shapes-text.csv", Header + "\n300;;;;;;;;;;\n");
        var error = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => LoadAsync(path, seekable: true, contract));

        Assert.Contains("column uid is text but its values are uuid", error.Message, StringComparison.Ordinal);
        Assert.Contains("column blob is text but its values are bytea", error.Message, StringComparison.Ordinal);
        Assert.Contains("column doc is json but its values are jsonb", error.Message, StringComparison.Ordinal);
        Assert.Contains("column place is text but its values are point", error.Message, StringComparison.Ordinal);
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
