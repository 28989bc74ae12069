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

    // Table Schema v2 temporal types (issue 16).
    Time,
    Year,
    YearMonth,
    Duration,
    Any,
    Object,
    Array,
    List,
    GeoPoint,
    GeoJson,
}
