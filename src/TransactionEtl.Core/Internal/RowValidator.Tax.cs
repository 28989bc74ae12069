using System.Runtime.CompilerServices;

namespace TransactionEtl.Core.Internal;

/// <summary>The tax step of a row: its rule (remembered per the cells' memo entries) and the computed amounts.</summary>
internal sealed partial class RowValidator
{
    private readonly TaxRuleCache _taxRules = new();

    private void ApplyTax(TaxSpec tax, List<CellError> errors, ValidRow values)
    {
        // Tax needs every input; if one is wrong its own error already explains the row. On a row where every field
        // is valid (most rows) there is nothing to ask.
        if (_failed > 0 && !TaxInputsOk(tax))
        {
            return;
        }
        int empty = EmptyTaxInput(tax);
        if (empty >= 0)
        {
            // An optional field may feed the tax step; when it is empty no rule can apply, so the row is rejected (it
            // used to reach the rule lookup with null and stop the whole file with an unexpected exception).
            string name = _fields[empty].Name;
            errors.Add(new CellError(name, FileErrorCodes.NoTaxRule,
                $"no tax rule without {name}: the cell is empty, and the tax step needs it; make {name} required, or give every row one", null));
            return;
        }
        var taxDate = _writtenDate[tax.Date];
        ulong key = TaxKey(tax);
        ref readonly var found = ref key == 0 ? ref Unsafe.NullRef<TaxRuleCache.Slot>() : ref _taxRules.Find(key, taxDate.DayNumber);
        if (Unsafe.IsNullRef(in found))
        {
            found = ref FindRule(tax, key, taxDate, errors);
            if (Unsafe.IsNullRef(in found))
            {
                return;
            }
        }
        if (errors.Count > 0)
        {
            return;
        }
        var rule = found.Rule;
        // An empty flag (null) takes the rule's default; a type test instead of unboxing to bool?, a runtime helper call.
        bool includesTax = tax.PriceIncludesTax >= 0 && _typed[tax.PriceIncludesTax].Value is bool given ? given : rule.PriceIncludesTax;
        int minorUnit = Facts(tax.Currency).MinorUnit;
        var (net, taxAmount, gross) = TaxCalculator.Compute(NumberValue(tax.Amount), in found.Rate, includesTax, minorUnit);
        _resolvedIncludesTax = includesTax;
        values.SetDecimal(tax.NetOutput, net);
        values.SetDecimal(tax.TaxOutput, taxAmount);
        values.SetDecimal(tax.GrossOutput, gross);
        values.SetDecimal(tax.RateOutput, rule.Rate);
        values.SetValue(tax.RuleIdOutput, rule.RuleId);
    }

    /// <summary>Whether every input of the tax step is valid on this row.</summary>
    private bool TaxInputsOk(TaxSpec tax) =>
        _ok[tax.Amount] && _ok[tax.Currency] && _ok[tax.Country] && _ok[tax.Date]
        && (tax.Region < 0 || _ok[tax.Region]) && (tax.Category < 0 || _ok[tax.Category])
        && (tax.PriceIncludesTax < 0 || _ok[tax.PriceIncludesTax]);

    /// <summary>The row's key in <see cref="_taxRules"/>: its country, region and category memo entries; 0 when a cell has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong TaxKey(TaxSpec tax)
    {
        int country = _memoEntry[tax.Country];
        int region = tax.Region >= 0 ? _memoEntry[tax.Region] : 0;
        int category = tax.Category >= 0 ? _memoEntry[tax.Category] : 0;
        return (country | region | category) < 0 ? 0 : TaxRuleCache.KeyOf(country, region, category);
    }

    /// <summary>The rule of a row that <see cref="_taxRules"/> does not hold: looked up, remembered, returned; null (and an error) when none applies.</summary>
    private ref readonly TaxRuleCache.Slot FindRule(TaxSpec tax, ulong key, DateOnly taxDate, List<CellError> errors)
    {
        string country = (string)_typed[tax.Country].Value!;
        string? region = tax.Region >= 0 ? (string?)_typed[tax.Region].Value : null;
        string? category = tax.Category >= 0 ? (string?)_typed[tax.Category].Value : null;
        var rule = TaxRuleSet.Find(Facts(tax.Country).TaxRules, region, category, taxDate, out var from, out var to);
        if (rule is null)
        {
            errors.Add(new CellError(null, FileErrorCodes.NoTaxRule,
                $"no tax rule for country {country}, region {region ?? "(none)"}, category {category ?? "(none)"} on {taxDate:yyyy-MM-dd}; add one to the tax rules ({tax.Rules.Source})",
                null));
            return ref Unsafe.NullRef<TaxRuleCache.Slot>();
        }
        return ref _taxRules.Remember(key, from, to, rule);
    }

    /// <summary>The first of the tax step's required inputs (amount, currency, country, date) that is empty on this row, or -1.</summary>
    // Four tests in a row rather than a loop over a span of the four fields built on the stack for every row; an int
    // rather than an int? (returned through memory), and inlined.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int EmptyTaxInput(TaxSpec tax) =>
        _typed[tax.Amount].Value is null ? tax.Amount
        : _typed[tax.Currency].Value is null ? tax.Currency
        : _typed[tax.Country].Value is null ? tax.Country
        : _typed[tax.Date].Value is null ? tax.Date
        : -1;
}
