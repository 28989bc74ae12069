using System.Globalization;
using System.Text.Json;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The <c>geopoint</c> and <c>geojson</c> types (Table Schema v2, "geopoint" and "geojson"), read as frictionless-py's
/// <c>fields/geopoint.py</c> and <c>fields/geojson.py</c> do.
/// </summary>
internal static class GeoText
{
    public const string PointDefaultExpected = "expected \"lon, lat\" in degrees such as 90.50, 45.50 (longitude -180..180, latitude -90..90)";
    public const string PointArrayExpected = "expected a JSON array [lon, lat] of two numbers such as [90.50, 45.50] (longitude -180..180, latitude -90..90)";
    public const string PointObjectExpected = "expected a JSON object {\"lon\": ..., \"lat\": ...} of two numbers (longitude -180..180, latitude -90..90)";
    public const string GeoJsonExpected = "expected a GeoJSON object (RFC 7946) such as {\"type\": \"Point\", \"coordinates\": [13.4, 52.5]}";
    public const string TopoJsonExpected = "expected a TopoJSON object such as {\"type\": \"Topology\", \"objects\": {...}, \"arcs\": [...]}";

    private static readonly Dictionary<string, int> PositionDepth = new(StringComparer.Ordinal)
    {
        ["Point"] = 0,
        ["MultiPoint"] = 1,
        ["LineString"] = 1,
        ["MultiLineString"] = 2,
        ["Polygon"] = 2,
        ["MultiPolygon"] = 3,
    };

    /// <summary>
    /// default: "lon, lat" split on the one comma, each part trimmed; array: a JSON array of two numbers; object: a JSON
    /// object of exactly the keys lon and lat. Then the ranges, inclusive.
    /// </summary>
    public static bool TryParsePoint(string s, NamedFormat format, out GeoPoint point)
    {
        point = default;
        decimal lon, lat;
        if (format == NamedFormat.Default)
        {
            int comma = s.IndexOf(',');
            if (comma < 0 || s.IndexOf(',', comma + 1) >= 0
                || !TryNumber(s.AsSpan(0, comma).Trim(), out lon) || !TryNumber(s.AsSpan(comma + 1).Trim(), out lat))
            {
                return false;
            }
        }
        else if (!TryJsonPoint(s, format, out lon, out lat))
        {
            return false;
        }
        point = new GeoPoint(lon, lat);
        return lon is >= -180 and <= 180 && lat is >= -90 and <= 90;
    }

    private static bool TryJsonPoint(string s, NamedFormat format, out decimal lon, out decimal lat)
    {
        lon = lat = 0;
        using var document = JsonText.Parse(s, out _);
        if (document is null)
        {
            return false;
        }
        var root = document.RootElement;
        if (format == NamedFormat.Array)
        {
            return root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 2
                && root[0].ValueKind == JsonValueKind.Number && root[0].TryGetDecimal(out lon)
                && root[1].ValueKind == JsonValueKind.Number && root[1].TryGetDecimal(out lat);
        }
        return root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Count() == 2
            && root.TryGetProperty("lon", out var x) && x.ValueKind == JsonValueKind.Number && x.TryGetDecimal(out lon)
            && root.TryGetProperty("lat", out var y) && y.ValueKind == JsonValueKind.Number && y.TryGetDecimal(out lat);
    }

    // Python's Decimal: an optional sign, digits with an optional point, an optional exponent; no NaN or Infinity here
    // because neither is a place on Earth.
    private static bool TryNumber(ReadOnlySpan<char> s, out decimal value) =>
        decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// A GeoJSON object checked for its shape: a known type with the members RFC 7946 requires, coordinates nested to
    /// the type's depth and every position at least two numbers; a Feature's geometry and a FeatureCollection's features
    /// are checked the same way. Topology (TopoJSON): type, an objects object and an arcs array.
    /// </summary>
    public static bool IsGeoJson(JsonElement root, NamedFormat format)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        if (format == NamedFormat.TopoJson)
        {
            return type.ValueEquals("Topology")
                && root.TryGetProperty("objects", out var objects) && objects.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("arcs", out var arcs) && arcs.ValueKind == JsonValueKind.Array;
        }
        return type.GetString() switch
        {
            "Feature" => IsFeature(root),
            "FeatureCollection" => root.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array
                && features.EnumerateArray().All(IsFeature),
            _ => IsGeometry(root),
        };
    }

    private static bool IsFeature(JsonElement feature) =>
        feature.ValueKind == JsonValueKind.Object
        && feature.TryGetProperty("type", out var type) && type.ValueEquals("Feature")
        && feature.TryGetProperty("geometry", out var geometry) && (geometry.ValueKind == JsonValueKind.Null || IsGeometry(geometry))
        && feature.TryGetProperty("properties", out var properties) && properties.ValueKind is JsonValueKind.Null or JsonValueKind.Object;

    private static bool IsGeometry(JsonElement geometry)
    {
        if (geometry.ValueKind != JsonValueKind.Object || !geometry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        string name = type.GetString()!;
        if (name == "GeometryCollection")
        {
            return geometry.TryGetProperty("geometries", out var parts) && parts.ValueKind == JsonValueKind.Array
                && parts.EnumerateArray().All(IsGeometry);
        }
        return PositionDepth.TryGetValue(name, out int depth)
            && geometry.TryGetProperty("coordinates", out var coordinates) && IsNested(coordinates, depth, name);
    }

    private static bool IsNested(JsonElement e, int depth, string type)
    {
        if (depth == 0)
        {
            return e.ValueKind == JsonValueKind.Array && e.GetArrayLength() >= 2 && e.EnumerateArray().All(n => n.ValueKind == JsonValueKind.Number);
        }
        if (e.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        // RFC 7946 3.1.4 and 3.1.6: a line has at least two positions, a polygon's ring at least four.
        int least = (type, depth) switch
        {
            ("LineString", 1) or ("MultiLineString", 1) => 2,
            ("Polygon", 1) or ("MultiPolygon", 1) => 4,
            _ => 0,
        };
        return e.GetArrayLength() >= least && e.EnumerateArray().All(item => IsNested(item, depth - 1, type));
    }
}
