namespace TransactionEtl.Core.Internal;

/// <summary>
/// What other steps look up about a valid cell's value, resolved once per distinct value and kept with it in the
/// <see cref="CellMemo"/>: a currency's minor unit (the amount's scale check, the tax), a country's tax rules. Each
/// was a frozen-dictionary lookup per row (issue 19).
/// </summary>
/// <param name="MinorUnit">The currency's ISO 4217 minor unit; -1 when the field is not a currency source.</param>
/// <param name="TaxRules">The tax rules of the country, most specific first; null when none or not the tax country.</param>
internal readonly record struct CellFacts(int MinorUnit, TaxRule[]? TaxRules)
{
    public static readonly CellFacts None = new(-1, null);
}
