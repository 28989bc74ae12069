namespace TransactionEtl.Core.Internal;

/// <summary>The <c>x-txetl.tax</c> part of a contract: which fields feed the tax step, and its rule file.</summary>
internal static partial class ContractLoader
{
    private sealed partial class Builder
    {
        private TaxSpec? BuildTax(TaxDocument? t, Dictionary<string, FieldSpec> byName)
        {
            if (t is null)
            {
                return null;
            }
            const string at = "x-txetl.tax";
            RefuseUnknown(t.Extra, at, [], extensionScope: true);
            int Field(string? name, string property, bool required, params FieldType[] types)
            {
                if (name is null)
                {
                    return required ? throw Error($"{at}.{property}", "missing; name the field that holds it") : -1;
                }
                if (!byName.TryGetValue(name, out var field))
                {
                    throw Error($"{at}.{property}", $"'{name}' is not a field of this contract");
                }
                // A uuid or binary string's value is not text, which the tax step compares.
                if (!types.Contains(field.Type) || (field.Type == FieldType.String && !IsPlainText(field)))
                {
                    throw Error($"{at}.{property}", $"field '{name}' must be of type {string.Join(" or ", types.Select(x => x.ToString().ToLowerInvariant()))}");
                }
                return field.Index;
            }
            int amount = Field(t.Amount, "amount", true, FieldType.Number);
            int currency = Field(t.Currency, "currency", true, FieldType.String);
            if (byName[t.Currency!].Reference != ReferenceData.Iso4217)
            {
                throw Error($"{at}.currency", $"field '{t.Currency}' must have \"x-txetl\": {{\"reference\": \"{ReferenceData.Iso4217}\"}} so its minor unit is known");
            }
            var rules = LoadRules(t.Rules);
            return new TaxSpec
            {
                Rules = rules,
                Amount = amount,
                Currency = currency,
                Country = Field(t.Country, "country", true, FieldType.String),
                Region = Field(t.Region, "region", false, FieldType.String),
                Category = Field(t.Category, "category", false, FieldType.String),
                Date = Field(t.Date, "date", true, FieldType.DateTime, FieldType.Date),
                PriceIncludesTax = Field(t.PriceIncludesTax, "priceIncludesTax", false, FieldType.Boolean),
            };
        }

        private TaxRuleSet LoadRules(string? rules)
        {
            const string at = "x-txetl.tax.rules";
            if (rules is null or BuiltInRules)
            {
                return TaxRuleSet.Default;
            }
            if (baseDirectory is null && !Path.IsPathRooted(rules))
            {
                throw Error(at, $"relative path '{rules}' cannot be resolved for a contract that is not a file; use an absolute path or {BuiltInRules}");
            }
            string path = Path.Combine(baseDirectory ?? "", rules);
            if (!File.Exists(path))
            {
                throw Error(at, $"tax rule file '{path}' does not exist");
            }
            return TaxRuleSet.Load(path);
        }
    }
}
