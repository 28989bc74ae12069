namespace TransactionEtl.Core;

/// <summary>
/// One effective-dated tax rule, a row of a tax rule CSV (<c>rule_id,country,region,category,rate,
/// price_includes_tax,valid_from,valid_to,note</c>). It applies when the country equals, the region is null or
/// equals, the category is null or equals, and <c>ValidFrom &lt;= tax date &lt; ValidTo</c> (null = open).
/// </summary>
/// <param name="RuleId">Unique id, stored with each row as <c>tax_rule_id</c>.</param>
/// <param name="Country">ISO 3166-1 alpha-2 country code.</param>
/// <param name="Region">ISO 3166-2 subdivision code, or null for the whole country.</param>
/// <param name="Category">Category, or null for every category.</param>
/// <param name="Rate">Rate as a fraction (0.19 = 19 %).</param>
/// <param name="PriceIncludesTax">Whether amounts are gross when the row does not say.</param>
/// <param name="ValidFrom">First day the rule applies (inclusive).</param>
/// <param name="ValidTo">First day the rule no longer applies (exclusive), or null when open-ended.</param>
/// <param name="Note">Free text.</param>
public sealed record TaxRule(
    string RuleId,
    string Country,
    string? Region,
    string? Category,
    decimal Rate,
    bool PriceIncludesTax,
    DateOnly ValidFrom,
    DateOnly? ValidTo,
    string Note)
{
    /// <summary>How specific the rule is: region and category 3, region 2, category 1, country only 0.</summary>
    public int Specificity => (Region is null ? 0 : 2) + (Category is null ? 0 : 1);

    /// <summary>Whether the rule applies on <paramref name="date"/>.</summary>
    public bool IsValidOn(DateOnly date) => ValidFrom <= date && (ValidTo is null || date < ValidTo.Value);
}
