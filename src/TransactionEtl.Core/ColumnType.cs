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
}
