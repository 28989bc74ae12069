using static TransactionEtl.Core.Tests.StructuredTypeTests;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// The contract side of Table Schema v2's string formats, structured types and constraints: what is refused at load,
/// naming the property, and the <c>unique</c> constraint across a file.
/// </summary>
public sealed class StructuredContractTests
{
    [Theory]
    [InlineData("""{ "name": "v", "type": "integer", "format": "email" }""", "fields[0].format: 'email' is not supported for a integer field; expected only \"default\"")]
    [InlineData("""{ "name": "v", "format": "wkt" }""", "fields[0].format: 'wkt' is not supported for a string field; expected \"default\", \"email\", \"uri\", \"uuid\", \"binary\"")]
    [InlineData("""{ "name": "v", "type": "geopoint", "format": "topojson" }""", "fields[0].format: 'topojson' is not supported for a geopoint field")]
    [InlineData("""{ "name": "v", "type": "geojson", "format": "object" }""", "fields[0].format: 'object' is not supported for a geojson field")]
    [InlineData("""{ "name": "v", "type": "list", "format": "csv" }""", "fields[0].format: 'csv' is not supported for a list field")]
    [InlineData("""{ "name": "v", "type": "object", "constraints": { "pattern": "a" } }""", "fields[0].constraints.pattern: applies only to string fields")]
    [InlineData("""{ "name": "v", "type": "geopoint", "constraints": { "minLength": 1 } }""", "fields[0].constraints: minLength/maxLength apply only to string fields and to the collections")]
    [InlineData("""{ "name": "v", "type": "object", "constraints": { "enum": ["{}"] } }""", "fields[0].constraints.enum: is not supported by txetl for object fields")]
    [InlineData("""{ "name": "v", "type": "list", "constraints": { "minimum": 1 } }""", "fields[0].constraints.minimum: minimum/maximum apply only to")]
    [InlineData("""{ "name": "v", "constraints": { "exclusiveMinimum": 1 } }""", "fields[0].constraints.exclusiveMinimum: minimum/maximum apply only to")]
    [InlineData("""{ "name": "v", "type": "integer", "constraints": { "exclusiveMinimum": 5, "exclusiveMaximum": 5 } }""", "fields[0].constraints.exclusiveMinimum: the range of minimum/exclusiveMinimum and maximum/exclusiveMaximum admits no value")]
    [InlineData("""{ "name": "v", "type": "integer", "constraints": { "minimum": 5, "exclusiveMaximum": 5 } }""", "admits no value")]
    [InlineData("""{ "name": "v", "type": "integer", "constraints": { "exclusiveMinimum": "x" } }""", "fields[0].constraints.exclusiveMinimum: 'x' is not a valid integer")]
    [InlineData("""{ "name": "v", "type": "object", "constraints": { "jsonSchema": {} } }""", "fields[0].constraints.jsonSchema: this Table Schema feature is not supported")]
    [InlineData("""{ "name": "v", "type": "array", "arrayItem": { "type": "integer" } }""", "fields[0].arrayItem: this Table Schema feature is not supported")]
    [InlineData("""{ "name": "v", "delimiter": ";" }""", "fields[0].delimiter: applies only to list fields")]
    [InlineData("""{ "name": "v", "type": "integer", "itemType": "integer" }""", "fields[0].itemType: applies only to list fields")]
    [InlineData("""{ "name": "v", "type": "list", "delimiter": "" }""", "fields[0].delimiter: must not be empty")]
    [InlineData("""{ "name": "v", "type": "list", "itemType": "geopoint" }""", "fields[0].itemType: 'geopoint' is not a list item type; expected string, integer, boolean, number, datetime or date")]
    [InlineData("""{ "name": "v", "type": "list", "itemType": "Integer" }""", "fields[0].itemType: 'Integer' is not a list item type")]
    [InlineData("""{ "name": "v", "type": "list", "itemType": "time" }""", "fields[0].itemType: 'time' is not supported yet")]
    [InlineData("""{ "name": "v", "format": "uuid", "x-txetl": { "reference": "iso4217" } }""", "fields[0].x-txetl.reference: applies only to text")]
    [InlineData("""{ "name": "v", "type": "point" }""", "fields[0].type: 'point' is not supported; expected string, number, integer, boolean, datetime, date, time, year, yearmonth, duration, any, object, array, list, geopoint or geojson")]
    public void Refuses_what_txetl_does_not_support_naming_the_property(string field, string message) =>
        Assert.Contains(message, Assert.Throws<ContractException>(() => OneField(field)).Message, StringComparison.Ordinal);

    [Fact]
    public void Refuses_fields_match_which_txetl_header_matching_does_not_follow()
    {
        var e = Assert.Throws<ContractException>(() => Contract.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            """{ "name": "t", "version": "1", "fieldsMatch": "exact", "fields": [ { "name": "v" } ] }""")), "t.json", null));
        Assert.Contains("fieldsMatch: this Table Schema feature is not supported", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("object")]
    [InlineData("geopoint")]
    [InlineData("list")]
    public void Refuses_a_primary_key_of_a_structured_type(string type)
    {
        var e = Assert.Throws<ContractException>(() => Contract.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            $$"""{ "name": "t", "version": "1", "fields": [ { "name": "v", "type": "{{type}}", "constraints": { "required": true } } ], "primaryKey": "v" }""")), "t.json", null));
        Assert.Contains($"primaryKey[0]: field 'v' cannot be part of the primary key: its type ({type})", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "name": "v", "constraints": { "unique": true } }""", "a\nb\na", "a")]
    [InlineData("""{ "name": "v", "type": "number", "constraints": { "unique": true } }""", "1.50\n2\n1.5", "1.5")]
    [InlineData("""{ "name": "v", "format": "uuid", "constraints": { "unique": true } }""", "0f8fad5b-d9cb-469f-a165-70867728950e\n0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("""{ "name": "v", "type": "object", "constraints": { "unique": true } }""", "{\"a\": 1, \"b\": [2]}\n{ \"b\" : [2], \"a\" : 1 }", "{\"a\":1,\"b\":[2]}")]
    [InlineData("""{ "name": "v", "type": "geopoint", "constraints": { "unique": true } }""", "1.0, 2\n1, 2.00", "1, 2")]
    public async Task Unique_rejects_a_later_row_repeating_a_kept_value_and_ignores_empty_cells(string field, string cells, string key)
    {
        foreach (bool detectDuplicates in new[] { true, false })
        {
            var (result, sink) = await Engine.RunAsync("v\n" + cells + "\n", OneField(field), detectDuplicates);

            var rejected = Assert.Single(sink.Rejected);
            var error = Assert.Single(rejected.Errors);
            Assert.Equal(FileErrorCodes.UniqueError, error.Code);
            Assert.Equal($"v '{key}' repeats line 2, whose row was kept; v must be unique within the file", error.Message);
            Assert.Equal(1L, result.RowsRejected);
        }
    }

    [Fact]
    public void A_unique_field_marks_its_output_column_for_the_table_side() =>
        Assert.Equal([true, false], Contract.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("""
            { "name": "t", "version": "1", "fields": [ { "name": "v", "constraints": { "unique": true } }, { "name": "n" } ] }
            """)), "t.json", null).OutputColumns.Select(c => c.Unique));

    [Fact]
    public async Task Unique_remembers_only_kept_rows_and_leaves_empty_cells_out()
    {
        // Lines 2 and 3 have no value (null, never a repeat); line 4 is rejected for its other cell, so line 5's
        // "a" repeats no kept row, and line 6's repeats line 5.
        var contract = Contract.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("""
            { "name": "t", "version": "1", "fields": [ { "name": "v", "constraints": { "unique": true } }, { "name": "n", "type": "integer" } ] }
            """)), "t.json", null);
        var (_, sink) = await Engine.RunAsync("v,n\n,1\n,2\na,x\na,1\na,2\n", contract);

        Assert.Equal([2L, 3L, 5L], sink.Valid.Select(v => v.Line));
        Assert.Equal([FileErrorCodes.TypeError, FileErrorCodes.UniqueError], sink.Rejected.Select(r => r.Errors[0].Code));
    }
}
