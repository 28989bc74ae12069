using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Tests.Loading.Internal;

/// <summary>Moved from Core's ContractTests with <c>Contract.QuoteIdentifier</c>: quoting is the database's concern.</summary>
public sealed class PgIdentifierTests
{
    [Fact]
    public void Quotes_identifiers_for_sql_doubling_embedded_quotes()
    {
        // Names are refused unless they match ^[a-z_][a-z0-9_]*$; the quoting is the second line of defence.
        Assert.Equal("\"order\"", PgIdentifier.Quote("order"));
        Assert.Equal("\"a\"\"; DROP TABLE t; --\"", PgIdentifier.Quote("a\"; DROP TABLE t; --"));
    }

    [Fact]
    public void Quotes_identifiers() => Assert.Equal("\"transactions\"", PgIdentifier.Quote("transactions"));

    [Fact]
    public void The_target_table_is_in_the_project_schema() =>
        Assert.Equal("\"txetl\".\"transactions\"", PgIdentifier.TargetTable(Contract.Default));
}
