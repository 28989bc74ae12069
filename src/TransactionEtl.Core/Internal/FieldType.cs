namespace TransactionEtl.Core.Internal;

/// <summary>The Table Schema field types the engine supports.</summary>
internal enum FieldType
{
    String,
    Number,
    Integer,
    Boolean,
    DateTime,
    Date,
    Any,
    Object,
    Array,
    List,
    GeoPoint,
    GeoJson,
}
