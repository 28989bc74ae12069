namespace TransactionEtl.Core.Internal;

/// <summary>
/// The named <c>format</c> values of the string, geopoint and geojson types (Table Schema v2, "Field Types");
/// <see cref="Default"/> for every other type.
/// </summary>
internal enum NamedFormat
{
    Default,
    Email,
    Uri,
    Uuid,
    Binary,
    Array,
    Object,
    TopoJson,
}
