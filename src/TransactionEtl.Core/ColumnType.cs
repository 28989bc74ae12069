namespace TransactionEtl.Core;

/// <summary>The typed shape of an output column; each maps to one PostgreSQL type in the loader.</summary>
public enum ColumnType
{
    /// <summary><see cref="string"/>; PostgreSQL <c>text</c>.</summary>
    Text,

    /// <summary><see cref="bool"/>; PostgreSQL <c>boolean</c>.</summary>
    Boolean,

    /// <summary><see cref="long"/>; PostgreSQL <c>bigint</c>.</summary>
    BigInt,

    /// <summary><see cref="decimal"/>; PostgreSQL <c>numeric</c>.</summary>
    Numeric,

    /// <summary><see cref="DateOnly"/>; PostgreSQL <c>date</c>.</summary>
    Date,

    /// <summary><see cref="DateTime"/> of kind UTC; PostgreSQL <c>timestamptz</c>.</summary>
    Timestamp,

    /// <summary><see cref="int"/>; PostgreSQL <c>integer</c>, alias <c>int4</c> (a <c>year</c> field). Named after the
    /// alias because the analyzers reserve "Integer" for the CLR type name.</summary>
    Int4,

    /// <summary><see cref="TimeOnly"/>, whole microseconds; PostgreSQL <c>time</c> (without time zone).</summary>
    Time,

    /// <summary><see cref="IsoDuration"/>; PostgreSQL <c>interval</c>.</summary>
    Interval,
    /// <summary><see cref="Guid"/>; PostgreSQL <c>uuid</c> (a string field with format <c>uuid</c>).</summary>
    Uuid,

    /// <summary><see cref="byte"/>[]; PostgreSQL <c>bytea</c> (a string field with format <c>binary</c>, base64 decoded).</summary>
    Bytea,

    /// <summary>JSON text (<see cref="string"/>); PostgreSQL <c>jsonb</c> (object, array, list and geojson fields).</summary>
    Jsonb,

    /// <summary><see cref="GeoPoint"/>; PostgreSQL <c>point</c>, x the longitude and y the latitude.</summary>
    Point,
}
