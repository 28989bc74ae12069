using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// A team's own table (<c>x-txetl.createTable: false</c>) with extra columns of types Npgsql has no built-in mapping
/// for (an enum, a domain, an array of it) and a name that needs quoting, loaded and then corrected through real argv. <c>run</c>'s data source does
/// not load the server's types (DatabaseTarget), so this is where a statement reading such a column would fail.
/// </summary>
public sealed class OwnTableCommandTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private const string Contract = """
        { "name": "parts", "version": "1.0.0",
          "fields": [{ "name": "part_no", "type": "integer", "constraints": { "required": true } },
                     { "name": "label", "type": "string", "constraints": { "required": true } }, { "name": "price", "type": "number" }],
          "primaryKey": "part_no",
          "x-txetl": { "table": "parts_cli_own", "createTable": false, "onExistingKey": "update" } }
        """;

    private const string OwnTable =
        "CREATE TYPE public.mood AS ENUM ('ok', 'bad'); CREATE DOMAIN public.positive AS integer CHECK (VALUE > 0); " +
        "CREATE TABLE txetl.parts_cli_own (part_no bigint PRIMARY KEY, label text NOT NULL, price numeric, " +
        "mood public.mood NOT NULL DEFAULT 'ok', rank public.positive DEFAULT 1, moods public.mood[] DEFAULT '{ok,bad}', \"a, b\" text DEFAULT 'x', " +
        "file_id bigint NOT NULL, source_line bigint NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now()); " +
        "GRANT SELECT, INSERT, UPDATE ON txetl.parts_cli_own TO txetl_loader; " +
        "CREATE TABLE txetl.parts_cli_own_history (LIKE txetl.parts_cli_own, replaced_by_file_id bigint NOT NULL, " +
        "replaced_at timestamptz NOT NULL DEFAULT now()); GRANT INSERT ON txetl.parts_cli_own_history TO txetl_loader";

    private readonly ScratchDirectory _dir = new("txetl-own-table-");

    public void Dispose() => _dir.Dispose();

    private Task<CliResult> TxetlAsync(params string[] args) =>
        RunTestSupport.RunAsync(_dir.Path, [args[0], "--database-url", db.ConnectionString, .. args[1..]]);

    [Fact]
    public async Task Run_loads_and_corrects_a_table_with_enum_and_domain_columns_it_does_not_write()
    {
        Directory.CreateDirectory(_dir.Path);
        var contract = Path.Combine(_dir.Path, "parts.json");
        File.WriteAllText(contract, Contract);
        File.WriteAllText(Path.Combine(_dir.Path, "first.csv"), "part_no,label,price\n1,bolt,0.10\n2,nut,\n");
        File.WriteAllText(Path.Combine(_dir.Path, "second.csv"), "part_no,label,price\n1,bolt,0.20\n3,washer,1\n");
        Assert.Equal(0, (await TxetlAsync("db", "migrate")).ExitCode);
        await ExecuteAsync(OwnTable);

        var first = await TxetlAsync("run", "--json", "--contract", contract, Path.Combine(_dir.Path, "first.csv"));
        var second = await TxetlAsync("run", "--json", "--contract", contract, Path.Combine(_dir.Path, "second.csv"));

        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        var corrected = Assert.Single(RunTestSupport.Summaries(second.Stdout));
        Assert.Equal((FileStatus.Loaded, 2L, 1L), (corrected.Status, corrected.RowsLoaded, corrected.RowsUpdated));
        Assert.Equal("1 bolt 0.20 ok 1 {ok,bad}|2 nut  ok 1 {ok,bad}|3 washer 1 ok 1 {ok,bad}", await ScalarAsync(
            "SELECT string_agg(concat_ws(' ', part_no, label, coalesce(price::text, ''), mood, rank, moods), '|' ORDER BY part_no) FROM txetl.parts_cli_own"));
        Assert.Equal("1 0.10 ok x", await ScalarAsync("SELECT concat_ws(' ', part_no, price, mood, \"a, b\") FROM txetl.parts_cli_own_history"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync();
    }
}
