namespace TransactionEtl.Core.Internal;

/// <summary>The compiled tax step: field indexes of its inputs (-1 when absent) and output indexes.</summary>
internal sealed class TaxSpec
{
    public required TaxRuleSet Rules { get; init; }
    public required int Amount { get; init; }
    public required int Currency { get; init; }
    public required int Country { get; init; }
    public int Region { get; init; } = -1;
    public int Category { get; init; } = -1;
    public required int Date { get; init; }
    public int PriceIncludesTax { get; init; } = -1;
    public int NetOutput { get; set; }
    public int TaxOutput { get; set; }
    public int GrossOutput { get; set; }
    public int RateOutput { get; set; }
    public int RuleIdOutput { get; set; }

    public static readonly IReadOnlyList<OutputColumn> OutputColumns =
    [
        new("net_amount", ColumnType.Numeric, false),
        new("tax_amount", ColumnType.Numeric, false),
        new("gross_amount", ColumnType.Numeric, false),
        new("tax_rate", ColumnType.Numeric, false),
        new("tax_rule_id", ColumnType.Text, false),
    ];
}
