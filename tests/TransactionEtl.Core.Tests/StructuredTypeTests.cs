using System.Text;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// Table Schema v2's string formats, structured types and the exclusive bounds, each in its accepted and refused
/// forms. The cases follow frictionless-py's own tests (fields/__spec__/test_string.py, test_object.py,
/// test_geopoint.py, test_list.py), which decide where the standard leaves a choice.
/// </summary>
public sealed class StructuredTypeTests
{
    /// <summary>A one-field contract; tab-delimited, with a quote character no value here uses, so JSON needs no CSV quoting.</summary>
    internal static Contract OneField(string field) => Contract.Load(new MemoryStream(Encoding.UTF8.GetBytes(
        $$"""{ "name": "t", "version": "1", "dialect": { "delimiter": "\t", "quoteChar": "^" }, "fields": [ {{field}} ] }""")), "t.json", null);

    /// <summary>The value of one cell, or the message of its first error.</summary>
    internal static async Task<(object? Value, string? Error)> ReadAsync(string field, string cell)
    {
        var (_, sink) = await Engine.RunAsync("v\n" + cell + "\n", OneField(field));
        return sink.Valid.Count == 1 ? (sink.Valid[0].Values[0], null) : (null, sink.Rejected.Single().Errors[0].Code + ": " + sink.Rejected[0].Errors[0].Message);
    }

    private static async Task Accepts(string field, string cell, object? expected)
    {
        var (value, error) = await ReadAsync(field, cell);
        Assert.Null(error);
        Assert.Equal(expected, value);
    }

    private static async Task<string> Refuses(string field, string cell)
    {
        var (_, error) = await ReadAsync(field, cell);
        Assert.NotNull(error);
        return error;
    }

    [Theory]
    [InlineData("email", "name@gmail.com")]
    [InlineData("email", "a.b+c@sub.example.co.uk")]
    [InlineData("uri", "http://google.com")]
    [InlineData("uri", "urn:isbn:0451450523")]
    [InlineData("uri", "https://example.com/a%20b?x=1&y=[2]#f")]
    public async Task A_string_format_keeps_a_valid_value_as_text(string format, string cell) =>
        await Accepts($$"""{ "name": "v", "format": "{{format}}" }""", cell, cell);

    [Theory]
    [InlineData("email", "http://google.com")]
    [InlineData("email", "string")]
    [InlineData("email", "a@localhost")]
    [InlineData("email", "a@@example.com")]
    [InlineData("email", "a b@example.com")]
    [InlineData("email", ".a@example.com")]
    [InlineData("uri", "://no-scheme.test")]
    [InlineData("uri", "string")]
    [InlineData("uri", "http://exa mple.com")]
    [InlineData("uri", "http://x/%zz")]
    [InlineData("uuid", "0f8fad5bd9cb469fa16570867728950e")]
    [InlineData("uuid", "{0f8fad5b-d9cb-469f-a165-70867728950e}")]
    [InlineData("uuid", "0f8fad5b-d9cb-469f-a165-70867728950")]
    [InlineData("uuid", " 0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("binary", "string")]
    [InlineData("binary", "!!!!")]
    [InlineData("binary", "@@@@")]
    [InlineData("binary", "()()")]
    [InlineData("binary", "dGVzdA=")]
    public async Task A_string_format_refuses_a_value_of_another_form_as_a_type_error(string format, string cell) =>
        Assert.StartsWith("type-error: v '", await Refuses($$"""{ "name": "v", "format": "{{format}}" }""", cell), StringComparison.Ordinal);

    [Fact]
    public async Task A_uuid_becomes_a_guid_in_either_case_and_binary_its_decoded_bytes()
    {
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        await Accepts("""{ "name": "v", "format": "uuid" }""", "0F8FAD5B-D9CB-469F-A165-70867728950E", guid);
        await Accepts("""{ "name": "v", "format": "fmt:uuid" }""", "0f8fad5b-d9cb-469f-a165-70867728950e", guid);
        await Accepts("""{ "name": "v", "format": "binary" }""", "dGVzdA==", "test"u8.ToArray());
        Assert.Equal([ColumnType.Uuid], OneField("""{ "name": "v", "format": "uuid" }""").OutputColumns.Select(c => c.Type));
        Assert.Equal([ColumnType.Bytea], OneField("""{ "name": "v", "format": "binary" }""").OutputColumns.Select(c => c.Type));
        Assert.Equal([ColumnType.Text], OneField("""{ "name": "v", "format": "email" }""").OutputColumns.Select(c => c.Type));
    }

    [Theory]
    [InlineData("object", "{}")]
    [InlineData("object", """{"key": "value", "nested": {"a": [1, 2.50, null, true]}}""")]
    [InlineData("array", "[]")]
    [InlineData("array", """[1, "two", {"three": 3}]""")]
    [InlineData("geojson", """{"type": "Point", "coordinates": [13.4, 52.5]}""")]
    [InlineData("geojson", """{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "properties": {"name": "a"}}""")]
    [InlineData("geojson", """{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": null}]}""")]
    [InlineData("geojson", """{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}""")]
    [InlineData("geojson", """{"type": "GeometryCollection", "geometries": [{"type": "MultiPoint", "coordinates": [[0, 0, 5]]}]}""")]
    public async Task A_json_type_keeps_its_text_for_a_jsonb_column(string type, string cell)
    {
        await Accepts($$"""{ "name": "v", "type": "{{type}}" }""", cell, cell);
        Assert.Equal([ColumnType.Jsonb], OneField($$"""{ "name": "v", "type": "{{type}}" }""").OutputColumns.Select(c => c.Type));
    }

    [Theory]
    [InlineData("object", """["key", "value"]""", "not a valid object")]
    [InlineData("object", "string", "not valid JSON")]
    [InlineData("object", "1", "not a valid object")]
    [InlineData("object", "3.14", "not a valid object")]
    [InlineData("object", """{"a": NaN}""", "not valid JSON")]
    [InlineData("object", """{"a": 1} x""", "not valid JSON")]
    [InlineData("object", """{"a": "\u0000"}""", "\\u0000")]
    [InlineData("object", """{"a": "\ud800"}""", "lone surrogate")]
    [InlineData("object", """{"a": 1e999999}""", "numeric range")]
    [InlineData("array", "{}", "not a valid array")]
    [InlineData("array", "[1, 2", "not valid JSON")]
    [InlineData("geojson", "[13.4, 52.5]", "GeoJSON")]
    [InlineData("geojson", """{"type": "Point", "coordinates": [13.4]}""", "GeoJSON")]
    [InlineData("geojson", """{"type": "Circle", "coordinates": [13.4, 52.5]}""", "GeoJSON")]
    [InlineData("geojson", """{"type": "LineString", "coordinates": [[0, 0]]}""", "GeoJSON")]
    [InlineData("geojson", """{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}""", "GeoJSON")]
    [InlineData("geojson", """{"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}}""", "GeoJSON")]
    public async Task A_json_type_refuses_other_json_or_none(string type, string cell, string reason)
    {
        var error = await Refuses($$"""{ "name": "v", "type": "{{type}}" }""", cell);
        Assert.StartsWith("type-error: ", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Topojson_takes_a_topology_and_refuses_plain_geojson()
    {
        const string Field = """{ "name": "v", "type": "geojson", "format": "topojson" }""";
        await Accepts(Field, """{"type": "Topology", "objects": {}, "arcs": []}""", """{"type": "Topology", "objects": {}, "arcs": []}""");
        Assert.Contains("TopoJSON", await Refuses(Field, """{"type": "Point", "coordinates": [0, 0]}"""), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "value1,value2", """["value1","value2"]""")]
    [InlineData("", "value1", """["value1"]""")]
    [InlineData("", "value1,,value3", """["value1","","value3"]""")]
    [InlineData("", "value1;value2", """["value1;value2"]""")]
    [InlineData(""", "delimiter": ";" """, "value1;value2", """["value1","value2"]""")]
    [InlineData(""", "delimiter": "||" """, "value1||value2", """["value1","value2"]""")]
    [InlineData(""", "itemType": "integer" """, "1,2,3", "[1,2,3]")]
    [InlineData(""", "itemType": "integer" """, "2  ,  3", "[2,3]")]
    [InlineData(""", "itemType": "number" """, "1.50,-2", "[1.50,-2]")]
    [InlineData(""", "itemType": "boolean" """, "true,FALSE,1", "[true,false,true]")]
    [InlineData(""", "itemType": "date" """, "2006-11-21", """["2006-11-21"]""")]
    [InlineData(""", "itemType": "datetime" """, "2006-11-21T16:30:00+01:00", """["2006-11-21T15:30:00Z"]""")]
    public async Task A_list_becomes_a_json_array_of_its_typed_items(string options, string cell, string json)
    {
        await Accepts($$"""{ "name": "v", "type": "list"{{options}} }""", cell, json);
        Assert.Equal([ColumnType.Jsonb], OneField($$"""{ "name": "v", "type": "list"{{options}} }""").OutputColumns.Select(c => c.Type));
    }

    [Theory]
    [InlineData("integer", "1,2,", "item '' is not a valid integer")]
    [InlineData("integer", "1,bad,3", "item 'bad' is not a valid integer")]
    [InlineData("boolean", "true, false", "item ' false' is not a valid boolean")]
    [InlineData("date", "21/11/2006", "item '21/11/2006' is not a valid date")]
    public async Task A_list_refuses_an_item_that_is_not_of_its_item_type(string itemType, string cell, string message) =>
        Assert.Contains(message, await Refuses($$"""{ "name": "v", "type": "list", "itemType": "{{itemType}}" }""", cell), StringComparison.Ordinal);

    [Theory]
    [InlineData("", "180,90", 180, 90)]
    [InlineData("", "180, -90", 180, -90)]
    [InlineData("", " 90.50 , 45.50 ", 90.50, 45.50)]
    [InlineData(""", "format": "array" """, "[180, -90]", 180, -90)]
    [InlineData(""", "format": "object" """, """{"lon": 180, "lat": 90}""", 180, 90)]
    [InlineData(""", "format": "object" """, """{"lat": -1.5, "lon": 2}""", 2, -1.5)]
    public async Task A_geopoint_becomes_a_longitude_and_latitude(string options, string cell, double lon, double lat)
    {
        await Accepts($$"""{ "name": "v", "type": "geopoint"{{options}} }""", cell, new GeoPoint((decimal)lon, (decimal)lat));
        Assert.Equal([ColumnType.Point], OneField($$"""{ "name": "v", "type": "geopoint"{{options}} }""").OutputColumns.Select(c => c.Type));
    }

    [Theory]
    [InlineData("", "181,90")]
    [InlineData("", "0,91")]
    [InlineData("", "string")]
    [InlineData("", "3.14")]
    [InlineData("", "1,2,3")]
    [InlineData("", "[180, 90]")]
    [InlineData(""", "format": "array" """, "180,90")]
    [InlineData(""", "format": "array" """, "[181, 90]")]
    [InlineData(""", "format": "array" """, "[1, 2, 3]")]
    [InlineData(""", "format": "array" """, """["1", "2"]""")]
    [InlineData(""", "format": "object" """, "[180, -90]")]
    [InlineData(""", "format": "object" """, """{"lon": 180, "lat": -91}""")]
    [InlineData(""", "format": "object" """, """{"lon": 1, "lat": 2, "alt": 3}""")]
    public async Task A_geopoint_refuses_other_forms_and_places_off_the_globe(string options, string cell) =>
        Assert.StartsWith("type-error: v '", await Refuses($$"""{ "name": "v", "type": "geopoint"{{options}} }""", cell), StringComparison.Ordinal);

    [Fact]
    public async Task Any_keeps_the_cell_exactly_as_written_and_may_have_an_enum()
    {
        await Accepts("""{ "name": "v", "type": "any" }""", " 1.0 ", " 1.0 ");
        Assert.Equal([ColumnType.Text], OneField("""{ "name": "v", "type": "any" }""").OutputColumns.Select(c => c.Type));
        Assert.StartsWith("constraint-error", await Refuses("""{ "name": "v", "type": "any", "constraints": { "enum": ["a"] } }""", "b"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("array", """{ "maxLength": 2 }""", "[1, 2]", "[1, 2, 3]", "has 3 items; at most 2 allowed")]
    [InlineData("object", """{ "minLength": 1 }""", """{"a": 1}""", "{}", "has 0 members; at least 1 required")]
    [InlineData("list", """{ "minLength": 2 }""", "a,b", "a", "has 1 items; at least 2 required")]
    public async Task MinLength_and_maxLength_of_a_collection_count_its_members_or_items(string type, string constraints, string ok, string bad, string message)
    {
        string field = $$"""{ "name": "v", "type": "{{type}}", "constraints": {{constraints}} }""";
        Assert.Null((await ReadAsync(field, ok)).Error);
        Assert.Contains(message, await Refuses(field, bad), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("integer", """{ "exclusiveMinimum": 0 }""", "1", "0", "is not above the exclusive minimum 0")]
    [InlineData("integer", """{ "exclusiveMaximum": 150 }""", "149", "150", "is not below the exclusive maximum 150")]
    [InlineData("number", """{ "exclusiveMinimum": "0" }""", "0.01", "0.00", "is not above the exclusive minimum 0")]
    [InlineData("date", """{ "exclusiveMaximum": "2024-01-01" }""", "2023-12-31", "2024-01-01", "is not below the exclusive maximum 2024-01-01")]
    [InlineData("datetime", """{ "exclusiveMinimum": "2024-01-01T00:00:00Z" }""", "2024-01-01T00:00:01Z", "2024-01-01T01:00:00+01:00", "is not above the exclusive minimum")]
    public async Task The_exclusive_bounds_refuse_the_bound_itself(string type, string constraints, string ok, string bad, string message)
    {
        string field = $$"""{ "name": "v", "type": "{{type}}", "constraints": {{constraints}} }""";
        Assert.Null((await ReadAsync(field, ok)).Error);
        var error = await Refuses(field, bad);
        Assert.StartsWith("constraint-error", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
