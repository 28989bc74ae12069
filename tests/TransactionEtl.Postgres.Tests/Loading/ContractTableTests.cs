using System.Text;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>
/// Target tables from the contract (issue 16 item 2): created on the first load, widened by optional fields, refused
/// with the migration SQL on any other change, and a file's identity including its contract and table. Each test uses
/// its own table names, so they share the class's database.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed through IAsyncLifetime, which xunit 2 calls.")]
public sealed class ContractTableTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string PartsFile = "part_no,label,price\n1,bolt,0.10\n2,nut,\n";

    private readonly LoaderTestSupport _t = new(db.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _t.DisposeAsync();

    /// <summary>A contract of parts: an integer key, a required label, an optional price; <paramref name="edit"/> changes the JSON.</summary>
    private static Contract Parts(string table, string version = "1.0.0", Func<string, string>? edit = null, string extension = "")
    {
        var json = $$"""
            {
              "name": "parts", "version": "{{version}}",
              "fields": [{ "name": "part_no", "type": "integer", "constraints": { "required": true } }, { "name": "label", "type": "string", "constraints": { "required": true } }, { "name": "price", "type": "number" }],
              "primaryKey": "part_no",
              "x-txetl": { "table": "{{table}}"{{extension}} }
            }
            """;
        json = edit is null ? json : edit(json);
        return Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "parts.json", baseDirectory: null);
    }

    private async Task<FileSummary> LoadAsync(Contract contract, string name, string text)
    {
        var path = _t.WriteFile(name, text);
        await using var stream = File.OpenRead(path);
        return await _t.Loader.LoadAsync(
            new LoadRequest { Source = SourceIdentity.ForLocalFile(path), Content = stream, Contract = contract, SizeBytes = stream.Length },
            CancellationToken.None);
    }

    private Task<string> ColumnsAsync(string table) => _t.ScalarAsync<string>(
        "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY attnum) " +
        "FROM pg_attribute WHERE attrelid = to_regclass(@t) AND attnum > 0 AND NOT attisdropped", ("t", "txetl." + table));

    [Fact]
    public async Task The_first_load_creates_the_table_from_the_contract_and_records_the_ddl()
    {
        var contract = Parts("parts_created");

        var summary = await LoadAsync(contract, "created.csv", PartsFile);

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal(
            "part_no bigint not null, label text not null, price numeric, file_id bigint not null, source_line bigint not null, " +
            "loaded_at timestamp with time zone not null",
            await ColumnsAsync("parts_created"));
        Assert.Equal("part_no", await _t.ScalarAsync<string>(
            "SELECT a.attname::text FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) " +
            "WHERE c.conrelid = 'txetl.parts_created'::regclass AND c.contype = 'p'"));
        Assert.Equal("txetl.ingestion_files", await _t.ScalarAsync<string>(
            "SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = 'txetl.parts_created'::regclass AND contype = 'f'"));
        Assert.Equal(1L, await _t.ScalarAsync<long>(
            "SELECT count(*) FROM pg_index WHERE indrelid = 'txetl.parts_created'::regclass AND indkey::text = " +
            "(SELECT attnum::text FROM pg_attribute WHERE attrelid = 'txetl.parts_created'::regclass AND attname = 'file_id')"));
        // The server builds the DDL it runs; `txetl contract ddl` prints ContractDdl's: they must be the same text.
        Assert.Equal(ContractDdl.CreateTable(contract), await _t.ScalarAsync<string>(
            "SELECT ddl FROM txetl.contracts WHERE target_table = 'parts_created' AND action = 'created' AND sha256 = @s AND name = 'parts' AND version = '1.0.0'",
            ("s", contract.Sha256)));
        Assert.Equal("parts_created " + contract.Sha256, await _t.ScalarAsync<string>(
            "SELECT target_table || ' ' || contract_sha256 FROM txetl.ingestion_files WHERE file_id = @id", ("id", LoaderTestSupport.Id(summary))));
        Assert.Equal(2L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.parts_created WHERE price = 0.10 OR price IS NULL"));
    }

    [Fact]
    public async Task A_unique_field_gets_a_unique_constraint_so_a_value_another_file_stored_is_a_row_reject()
    {
        var contract = Parts("parts_unique", edit: j => j.Replace(
            "\"name\": \"label\", \"type\": \"string\", \"constraints\": { \"required\": true }",
            "\"name\": \"label\", \"type\": \"string\", \"constraints\": { \"required\": true, \"unique\": true }", StringComparison.Ordinal));

        var first = await LoadAsync(contract, "unique-1.csv", PartsFile);
        // 20 rows, one repeating a stored label: 5 % rejected, within the default threshold.
        var rows = Enumerable.Range(3, 19).Select(n => $"{n},washer-{n},1.00").Append("40,bolt,2.00");
        var second = await LoadAsync(contract, "unique-2.csv", "part_no,label,price\n" + string.Join("\n", rows) + "\n");

        Assert.Contains("\"label\" text NOT NULL UNIQUE,", ContractDdl.CreateTable(contract), StringComparison.Ordinal);
        Assert.Equal(ContractDdl.CreateTable(contract), await _t.ScalarAsync<string>(
            "SELECT ddl FROM txetl.contracts WHERE target_table = 'parts_unique' AND action = 'created'"));
        Assert.Equal(FileStatus.Loaded, first.Status);
        Assert.Equal((FileStatus.LoadedWithRejects, 19L, 1L), (second.Status, second.RowsLoaded, second.RowsRejected));
        Assert.Equal(1L, second.RejectReasons[FileErrorCodes.UniqueError]);
        Assert.Equal(0L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.parts_unique WHERE part_no = 40"));
    }

    [Fact]
    public async Task A_version_that_adds_an_optional_field_adds_a_nullable_column_and_loads()
    {
        await LoadAsync(Parts("parts_widened"), "v1.csv", PartsFile);
        var v2 = Parts("parts_widened", "1.1.0", json => json.Replace(
            """{ "name": "price", "type": "number" }""",
            """{ "name": "price", "type": "number" }, { "name": "colour", "type": "string" }""", StringComparison.Ordinal));

        var summary = await LoadAsync(v2, "v2.csv", "part_no,label,price,colour\n3,washer,0.02,black\n");

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.EndsWith("loaded_at timestamp with time zone not null, colour text", await ColumnsAsync("parts_widened"), StringComparison.Ordinal);
        Assert.Equal("black", await _t.ScalarAsync<string>("SELECT colour FROM txetl.parts_widened WHERE part_no = 3"));
        // The history table (migration 0007) follows, and the loader may correct the new column.
        Assert.Equal("""
            ALTER TABLE "txetl"."parts_widened" ADD COLUMN "colour" text;
            ALTER TABLE "txetl"."parts_widened_history" ADD COLUMN "colour" text;
            GRANT UPDATE ("colour") ON "txetl"."parts_widened" TO txetl_loader;
            """, await _t.ScalarAsync<string>(
            "SELECT ddl FROM txetl.contracts WHERE target_table = 'parts_widened' AND action = 'added_columns' AND version = '1.1.0'"));
    }

    public static TheoryData<string, string, string, string> BreakingChanges() => new()
    {
        {
            "type", """{ "name": "price", "type": "number" }""", """{ "name": "price", "type": "integer" }""",
            """column price is numeric but its values are bigint; to migrate: ALTER TABLE "txetl"."parts_broken_type" ALTER COLUMN "price" TYPE bigint USING "price"::bigint;"""
        },
        {
            "removed", """, { "name": "price", "type": "number" }""", "",
            """column price (numeric) is in the table but no field of the contract produces it (removed or renamed); to migrate: to drop it with its data: ALTER TABLE "txetl"."parts_broken_removed" DROP COLUMN "price";"""
        },
        {
            "renamed", """{ "name": "price", "type": "number" }""", """{ "name": "unit_price", "type": "number" }""",
            """if it was renamed to unit_price: ALTER TABLE "txetl"."parts_broken_renamed" RENAME COLUMN "price" TO "unit_price";"""
        },
        {
            "required", """{ "name": "price", "type": "number" }""", """{ "name": "price", "type": "number", "constraints": { "required": true } }""",
            """column price is nullable in the table but required in the contract; to migrate (once no row holds null): ALTER TABLE "txetl"."parts_broken_required" ALTER COLUMN "price" SET NOT NULL;"""
        },
        {
            "key", "\"primaryKey\": \"part_no\"", "\"primaryKey\": [\"part_no\", \"label\"]",
            """primary key is (part_no) in the table but (part_no, label) in the contract; to migrate (the constraint's name is in \d parts_broken_key): ALTER TABLE "txetl"."parts_broken_key" DROP CONSTRAINT "parts_broken_key_pkey"; ALTER TABLE "txetl"."parts_broken_key" ADD PRIMARY KEY ("part_no", "label");"""
        },
    };

    [Theory]
    [MemberData(nameof(BreakingChanges))]
    public async Task A_breaking_change_is_refused_before_loading_with_the_migration_sql(string change, string before, string after, string expected)
    {
        var table = "parts_broken_" + change;
        await LoadAsync(Parts(table), "first.csv", PartsFile);
        var changed = Parts(table, "2.0.0", json => json.Replace(before, after, StringComparison.Ordinal));
        var columnsBefore = await ColumnsAsync(table);

        var error = await Assert.ThrowsAsync<TransactionEtlException>(() => LoadAsync(changed, "second.csv", "part_no,label,price,unit_price\n7,pin,1,1\n"));

        Assert.Contains($"contract parts 2.0.0 does not match table txetl.{table}, so nothing was loaded", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Equal(columnsBefore, await ColumnsAsync(table));
        Assert.Equal(2L, await _t.ScalarAsync<long>($"SELECT count(*) FROM txetl.{table}"));
        Assert.Equal("failed", await _t.ScalarAsync<string>("SELECT status FROM txetl.ingestion_files WHERE contract_version = '2.0.0' AND target_table = @t", ("t", table)));
    }

    [Fact]
    public async Task The_migration_sql_of_the_message_makes_the_changed_contract_load()
    {
        await LoadAsync(Parts("parts_migrated"), "first.csv", PartsFile);
        var changed = Parts("parts_migrated", "2.0.0", json => json.Replace("\"name\": \"price\"", "\"name\": \"unit_price\"", StringComparison.Ordinal));
        var error = await Assert.ThrowsAsync<TransactionEtlException>(() => LoadAsync(changed, "renamed.csv", "part_no,label,unit_price\n8,cap,2\n"));
        var sql = error.Message[(error.Message.IndexOf("renamed to unit_price: ", StringComparison.Ordinal) + 23)..];
        sql = sql[..(sql.IndexOf(';', StringComparison.Ordinal) + 1)];
        await using (var migrate = _t.DataSource.CreateCommand(sql))
        {
            await migrate.ExecuteNonQueryAsync();
        }

        var summary = await LoadAsync(changed, "renamed.csv", "part_no,label,unit_price\n8,cap,2\n");

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal(2m, await _t.ScalarAsync<decimal>("SELECT unit_price FROM txetl.parts_migrated WHERE part_no = 8"));
    }

    [Fact]
    public async Task With_createTable_false_a_missing_table_is_not_created()
    {
        var contract = Parts("parts_not_created", extension: ", \"createTable\": false");

        var error = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => LoadAsync(contract, "mine.csv", PartsFile));

        Assert.Contains("parts_not_created", error.Message, StringComparison.Ordinal);
        Assert.True(await _t.ScalarAsync<bool>("SELECT to_regclass('txetl.parts_not_created') IS NULL"));
    }

    [Fact]
    public async Task With_createTable_false_an_own_table_with_extra_columns_loads_after_the_type_check()
    {
        await using (var create = _t.DataSource.CreateCommand(
            "CREATE TABLE txetl.parts_own (part_no bigint PRIMARY KEY, label varchar(40) NOT NULL, price numeric(10,2), " +
            "comment text, file_id bigint NOT NULL, source_line bigint NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var summary = await LoadAsync(Parts("parts_own", extension: ", \"createTable\": false"), "own.csv", PartsFile);

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal(0L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.contracts WHERE target_table = 'parts_own'"));
    }

    [Fact]
    public async Task With_createTable_false_corrections_name_a_missing_loaded_at_with_its_sql_then_update_once_it_is_added()
    {
        await ExecuteAsync(
            "CREATE TABLE txetl.parts_own_fix (part_no bigint PRIMARY KEY, label text NOT NULL, price numeric, file_id bigint NOT NULL, " +
            "source_line bigint NOT NULL); GRANT SELECT, INSERT, UPDATE ON txetl.parts_own_fix TO txetl_loader");
        Assert.Equal(FileStatus.Loaded, (await LoadAsync(Parts("parts_own_fix", extension: ", \"createTable\": false"), "fix1.csv", PartsFile)).Status);
        var update = Parts("parts_own_fix", "1.1.0", extension: ", \"createTable\": false, \"onExistingKey\": \"update\"");

        var missing = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => LoadAsync(update, "fix2.csv", "part_no,label,price\n1,bolt,0.20\n"));
        await ExecuteAsync(missing.Message[missing.Message.IndexOf("ALTER TABLE", StringComparison.Ordinal)..missing.Message.IndexOf("now()", StringComparison.Ordinal)] + "now()");
        var noHistory = await Assert.ThrowsAnyAsync<TransactionEtlException>(() => LoadAsync(update, "fix2.csv", "part_no,label,price\n1,bolt,0.20\n"));
        await ExecuteAsync(ContractDdl.CreateHistory(update)!);
        var summary = await LoadAsync(update, "fix2.csv", "part_no,label,price\n1,bolt,0.20\n");

        Assert.Contains("column loaded_at is missing, and onExistingKey \"update\" sets it on the rows it replaces", missing.Message, StringComparison.Ordinal);
        Assert.Contains("txetl.parts_own_fix_history", noHistory.Message, StringComparison.Ordinal);
        // One line: a terminal shows the message's control characters as \x0a (Visible), which no one can paste.
        Assert.Contains(ContractDdl.CreateHistory(update)!.ReplaceLineEndings(" "), noHistory.Message, StringComparison.Ordinal);
        Assert.Equal((FileStatus.Loaded, 1L), (summary.Status, summary.RowsUpdated));
        Assert.Equal(0.10m, await _t.ScalarAsync<decimal>("SELECT price FROM txetl.parts_own_fix_history WHERE part_no = 1"));
        Assert.Equal(0.20m, await _t.ScalarAsync<decimal>("SELECT price FROM txetl.parts_own_fix WHERE part_no = 1"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _t.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_same_bytes_under_another_contract_load_into_the_other_table()
    {
        var first = await LoadAsync(Parts("parts_identity_a"), "same.csv", PartsFile);
        var other = Parts("parts_identity_b", edit: json => json.Replace("\"name\": \"parts\"", "\"name\": \"parts_b\"", StringComparison.Ordinal));

        var second = await LoadAsync(other, "same.csv", PartsFile);
        var again = await LoadAsync(other, "same.csv", PartsFile);

        Assert.Equal(FileStatus.Loaded, first.Status);
        Assert.Equal(FileStatus.Loaded, second.Status);
        Assert.Equal(2L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.parts_identity_b"));
        Assert.Equal(FileStatus.AlreadyLoaded, again.Status);
        Assert.Equal(second.FileId, again.FileId);
    }

    [Fact]
    public async Task A_slim_data_source_as_RunEtl_builds_creates_and_reads_a_keyed_table()
    {
        // RunEtl's Native AOT data source has no array support: a key sent or read as an array fails there only.
        await using var slim = new Npgsql.NpgsqlSlimDataSourceBuilder(db.ConnectionString).Build();
        var loader = new FileLoader(slim);
        var contract = Parts("parts_slim", edit: json => json.Replace("\"primaryKey\": \"part_no\"", "\"primaryKey\": [\"part_no\", \"label\"]", StringComparison.Ordinal));
        var path = _t.WriteFile("slim.csv", PartsFile);

        foreach (var expected in new[] { FileStatus.Loaded, FileStatus.AlreadyLoaded })
        {
            await using var stream = File.OpenRead(path);
            var summary = await loader.LoadAsync(
                new LoadRequest { Source = SourceIdentity.ForLocalFile(path), Content = stream, Contract = contract, SizeBytes = stream.Length },
                CancellationToken.None);
            Assert.Equal(expected, summary.Status);
        }
    }

    [Fact]
    public async Task The_default_contract_adopts_the_table_its_migration_made()
    {
        var path = await _t.WriteSampleAsync("default.csv", 20, seed: 1601);

        var summary = await _t.LoadAsync(path);

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal("adopted", await _t.ScalarAsync<string>(
            "SELECT action FROM txetl.contracts WHERE target_table = 'transactions' AND sha256 = @s AND ddl IS NULL", ("s", Contract.Default.Sha256)));
    }
}
