using System.Text;
using System.Text.Json.Nodes;

namespace TransactionEtl.Core.Tests;

public sealed class ContractTests : IDisposable
{
    // Per test (xunit makes an instance per test), removed afterwards.
    private readonly string _directory = Directory.CreateTempSubdirectory("txetl-contract-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string DefaultJson() => File.ReadAllText(Path.Combine(RepoRoot.Path, "contracts", "transactions.contract.json"));

    private static Contract Load(string json, string? baseDirectory = null) =>
        Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json", baseDirectory);

    private static string Mutate(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(DefaultJson())!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    private static ContractException Refused(Action<JsonObject> change) =>
        Assert.Throws<ContractException>(() => Load(Mutate(change)));

    [Fact]
    public void The_default_contract_produces_exactly_the_spec_columns()
    {
        var c = Contract.Default;
        Assert.Equal("transactions", c.Name);
        Assert.Equal("1.0.0", c.Version);
        Assert.Equal("transactions", c.TargetTable);
        Assert.Equal(["transaction_id"], c.PrimaryKey);
        Assert.Equal(0.05m, c.MaxRejectedRatio);
        Assert.Equal(
            [
                new OutputColumn("transaction_id", ColumnType.Text, false),
                new OutputColumn("occurred_at", ColumnType.Timestamp, false),
                new OutputColumn("account_id", ColumnType.Text, false),
                new OutputColumn("merchant", ColumnType.Text, true),
                new OutputColumn("category", ColumnType.Text, false),
                new OutputColumn("currency", ColumnType.Text, false),
                new OutputColumn("country", ColumnType.Text, false),
                new OutputColumn("region", ColumnType.Text, true),
                new OutputColumn("price_includes_tax", ColumnType.Boolean, false),
                new OutputColumn("net_amount", ColumnType.Numeric, false),
                new OutputColumn("tax_amount", ColumnType.Numeric, false),
                new OutputColumn("gross_amount", ColumnType.Numeric, false),
                new OutputColumn("tax_rate", ColumnType.Numeric, false),
                new OutputColumn("tax_rule_id", ColumnType.Text, false),
            ],
            c.OutputColumns);
    }

    [Fact]
    public void The_embedded_default_is_the_file_in_contracts()
    {
        var fromFile = Contract.Load(Path.Combine(RepoRoot.Path, "contracts", "transactions.contract.json"));
        Assert.Equal(Contract.Default.OutputColumns, fromFile.OutputColumns);
        Assert.Equal(Contract.Default.FieldNames, fromFile.FieldNames);
    }

    [Fact]
    public void Refuses_an_invalid_regex_naming_its_json_path()
    {
        var e = Refused(c => c["fields"]![3]!["constraints"]!["pattern"] = "([a-z]");
        Assert.StartsWith("test.json: fields[3].constraints.pattern: invalid regex", e.Message);
        Assert.Equal("fields[3].constraints.pattern", e.JsonPath);
    }

    [Theory]
    [InlineData("Transaction ID")]
    [InlineData("1st")]
    [InlineData("drop table")]
    public void Refuses_field_names_that_are_not_identifiers(string name)
    {
        var e = Refused(c => c["fields"]![0]!["name"] = name);
        Assert.Contains("fields[0].name", e.Message);
        Assert.Contains("^[a-z_][a-z0-9_]{0,62}$", e.Message);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("column")]
    public void Refuses_sql_smuggled_into_a_field_or_column_name(string where)
    {
        const string sql = "amount\"; DROP TABLE txetl.transactions; --";
        var e = Refused(c =>
        {
            if (where == "name")
            {
                c["fields"]![5]!["name"] = sql;
            }
            else
            {
                c["fields"]![3]!["x-txetl"]!["column"] = sql;
            }
        });
        Assert.Contains("^[a-z_][a-z0-9_]{0,62}$", e.Message);
    }

    [Fact]
    public void Refuses_a_table_name_that_is_not_an_identifier()
    {
        var e = Refused(c => c["x-txetl"]!["table"] = "tx\"; drop table x; --");
        Assert.Contains("x-txetl.table", e.Message);
    }

    [Fact]
    public void Refuses_an_output_column_name_that_is_not_an_identifier() =>
        Assert.Contains("fields[1].x-txetl.column", Refused(c => c["fields"]![1]!["x-txetl"]!["column"] = "Occurred At").Message);

    [Theory]
    [InlineData(null, OnExistingKey.Reject)]
    [InlineData("reject", OnExistingKey.Reject)]
    [InlineData("update", OnExistingKey.Update)]
    [InlineData("skip", OnExistingKey.Skip)]
    public void Reads_onExistingKey_with_reject_as_the_default(string? written, OnExistingKey expected)
    {
        var contract = Load(written is null ? DefaultJson() : Mutate(c => c["x-txetl"]!["onExistingKey"] = written));

        Assert.Equal(expected, contract.OnExistingKey);
        Assert.Equal(expected, contract.WithDialect(";", null).OnExistingKey);
    }

    [Fact]
    public void Refuses_an_onExistingKey_that_is_not_reject_update_or_skip() =>
        Assert.Contains("x-txetl.onExistingKey: 'replace' is not one of reject, update, skip", Refused(c => c["x-txetl"]!["onExistingKey"] = "replace").Message);

    [Fact]
    public void Refuses_unknown_extension_properties_as_typos() =>
        Assert.Contains("fields[0].x-txetl.normalise: unknown property", Refused(c => c["fields"]![0]!["x-txetl"]!["normalise"] = new JsonArray("trim")).Message);

    [Fact]
    public void Refuses_unknown_normalization_steps() =>
        Assert.Contains("fields[0].x-txetl.normalize[0]: unknown step 'strip'", Refused(c => c["fields"]![0]!["x-txetl"]!["normalize"] = new JsonArray("strip")).Message);

    [Fact]
    public void Refuses_a_json_value_of_the_wrong_type_naming_its_path() =>
        Assert.Contains("fields[2].constraints.maxLength", Refused(c => c["fields"]![2]!["constraints"]!["maxLength"] = "sixty-four").Message);

    [Fact]
    public void Refuses_an_unsupported_type() =>
        Assert.Contains("fields[5].type: 'money' is not supported", Refused(c => c["fields"]![5]!["type"] = "money").Message);

    [Fact]
    public void Refuses_a_primary_key_that_is_not_a_field() =>
        Assert.Contains("primaryKey[0]: 'id'", Refused(c => c["primaryKey"] = new JsonArray("id")).Message);

    [Fact]
    public void Refuses_a_reject_ratio_out_of_range() =>
        Assert.Contains("x-txetl.maxRejectedRatio", Refused(c => c["x-txetl"]!["maxRejectedRatio"] = 1.5).Message);

    [Fact]
    public void Refuses_an_alias_that_belongs_to_another_field() =>
        Assert.Contains("already belongs to field 'timestamp'", Refused(c => c["fields"]![3]!["x-txetl"]!["aliases"] = new JsonArray("Date")).Message);

    [Fact]
    public void Refuses_a_missing_tax_rule_file() =>
        Assert.Contains("x-txetl.tax.rules", Assert.Throws<ContractException>(() => Load(Mutate(c => c["x-txetl"]!["tax"]!["rules"] = "nope.csv"), Path.GetTempPath())).Message);

    [Fact]
    public void Refuses_a_scale_source_that_is_not_a_currency_field() =>
        Assert.Contains("fields[5].x-txetl.scaleFrom", Refused(c => c["fields"]![5]!["x-txetl"]!["scaleFrom"] = "country").Message);

    [Fact]
    public void Refuses_unsupported_table_schema_features() =>
        Assert.Contains("fields[5].categories: this Table Schema feature is not supported", Refused(c => c["fields"]![5]!["categories"] = new JsonArray("a")).Message);

    [Fact]
    public void Refuses_json_that_is_not_a_contract()
    {
        Assert.Contains("not valid contract JSON", Assert.Throws<ContractException>(() => Load("{\"fields\": [")).Message);
        Assert.Contains("name: missing", Assert.Throws<ContractException>(() => Load("{\"version\": \"1\", \"fields\": []}")).Message);
    }

    [Fact]
    public async Task Runs_a_custom_contract_with_its_own_dialect_types_and_tax_rules()
    {
        string dir = _directory;
        File.WriteAllText(Path.Combine(dir, "rules.csv"), "rule_id,country,region,category,rate,price_includes_tax,valid_from,valid_to,note\nAT-STD,AT,,,0.20,false,2016-01-01,,Austria\n");
        File.WriteAllText(Path.Combine(dir, "orders.json"), """
            {
              "name": "orders", "version": "2",
              "dialect": { "delimiter": ";", "header": true },
              "fields": [
                { "name": "order_no", "type": "integer", "constraints": { "required": true, "minimum": 1 } },
                { "name": "day", "type": "date", "constraints": { "required": true, "minimum": "2020-01-01" } },
                { "name": "land", "type": "string", "constraints": { "required": true }, "x-txetl": { "normalize": ["trim", "upper"], "reference": "iso3166-1-alpha2" } },
                { "name": "cur", "type": "string", "constraints": { "required": true }, "x-txetl": { "reference": "iso4217" } },
                { "name": "net", "type": "number", "constraints": { "required": true, "maximum": 1000 }, "x-txetl": { "scaleFrom": "cur", "output": false } }
              ],
              "primaryKey": "order_no",
              "x-txetl": { "table": "orders", "maxRejectedRatio": 0.5,
                "tax": { "rules": "rules.csv", "amount": "net", "currency": "cur", "country": "land", "date": "day" } }
            }
            """);
        var contract = Contract.Load(Path.Combine(dir, "orders.json"));
        Assert.Equal(["order_no", "day", "land", "cur", "net_amount", "tax_amount", "gross_amount", "tax_rate", "tax_rule_id"], contract.OutputColumns.Select(c => c.Name));
        Assert.Equal(ColumnType.BigInt, contract.OutputColumns[0].Type);
        Assert.Equal(ColumnType.Date, contract.OutputColumns[1].Type);

        var (result, sink) = await Engine.RunAsync("order_no;day;land;cur;net\n7;2024-05-01;at;EUR;10,5\n8;2024-05-01;AT;EUR;10.5\n0;2019-05-01;AT;EUR;2000\n", contract);
        Assert.Null(result.ErrorCode);
        var valid = Assert.Single(sink.Valid);
        Assert.Equal([8L, new DateOnly(2024, 5, 1), "AT", "EUR", 10.50m, 2.10m, 12.60m, 0.20m, "AT-STD"], valid.Values);
        Assert.Equal(2, sink.Rejected.Count);
        Assert.Equal("type-error", Assert.Single(sink.Rejected[0].Errors).Code);
        Assert.Equal(["order_no", "day", "net"], sink.Rejected[1].Errors.Select(e => e.Column));
        // 2 of 3 rejected is more than the contract's 0.5; exactly half would not be.
        Assert.Equal(0.5m, result.MaxRejectedRatio);
        Assert.True(result.RejectThresholdExceeded);
        Assert.False(new FileResult { RowsTotal = 4, RowsRejected = 2, MaxRejectedRatio = 0.5m }.RejectThresholdExceeded);
    }

    [Fact]
    public async Task Reads_a_file_without_header_by_field_order()
    {
        var contract = Load("""
            { "name": "plain", "version": "1", "dialect": { "header": false },
              "fields": [ { "name": "a", "constraints": { "required": true } }, { "name": "b", "type": "boolean" } ] }
            """);
        var (_, sink) = await Engine.RunAsync("x,true\ny,False\n", contract);
        Assert.Equal([["x", true], ["y", false]], sink.Valid.Select(v => v.Values));
        Assert.Equal(1, sink.Valid[0].Line);
    }
}
