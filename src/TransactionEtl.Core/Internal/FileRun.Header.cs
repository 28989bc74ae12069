namespace TransactionEtl.Core.Internal;

/// <summary>The header: each column mapped to its contract field, or the file's error.</summary>
internal sealed partial class FileRun
{
    /// <summary>Maps each header column (its label as read) to its field; false (with the file's error set) when the header cannot be used.</summary>
    private bool MapHeader(IReadOnlyList<string> labels)
    {
        var fieldColumn = new int[_contract.Fields.Length];
        Array.Fill(fieldColumn, -1);
        var problems = new List<string>();
        int ignored = MapColumns(labels, fieldColumn, problems);
        if (ignored > HeaderHints.MaxListed)
        {
            _warnings.Add($"{ignored - HeaderHints.MaxListed} more unknown or unnamed columns are ignored ({ignored} in all)");
        }
        if (problems.Count > 0)
        {
            string listed = string.Join("; ", problems.Take(HeaderHints.MaxListed));
            string more = problems.Count > HeaderHints.MaxListed ? $"; and {problems.Count - HeaderHints.MaxListed} more" : "";
            SetError(FileErrorCodes.DuplicateLabel, "the header names a column twice: " + listed + more + "; keep one of each");
            return false;
        }
        return RequiredColumnsPresent(fieldColumn);
    }

    /// <summary>
    /// Fills the header, the column-to-field map and <paramref name="fieldColumn"/>; collects labels named twice in
    /// <paramref name="problems"/> and warns of unknown columns. Returns how many columns are ignored.
    /// </summary>
    private int MapColumns(IReadOnlyList<string> labels, int[] fieldColumn, List<string> problems)
    {
        var fields = _contract.Fields;
        int count = labels.Count;
        _header = new string[count];
        _columnToField = new int[count];
        var labelColumn = new Dictionary<string, int>(StringComparer.Ordinal);
        var labelField = LabelFields();
        int ignored = 0;
        for (int c = 0; c < count; c++)
        {
            string label = labels[c];
            _header[c] = label;
            _columnToField[c] = -1;
            string key = ContractLoader.HeaderKey(label);
            if (labelColumn.TryGetValue(key, out int first))
            {
                problems.Add($"'{HeaderHints.Label(label)}' is named twice (columns {first + 1} and {c + 1})");
                continue;
            }
            labelColumn[key] = c;
            if (labelField.TryGetValue(key, out int field))
            {
                if (fieldColumn[field] >= 0)
                {
                    problems.Add($"columns {fieldColumn[field] + 1} '{HeaderHints.Label(_header[fieldColumn[field]])}' and {c + 1} '{HeaderHints.Label(label)}' both name {fields[field].Name}");
                    continue;
                }
                fieldColumn[field] = c;
                _columnToField[c] = field;
            }
            else if (++ignored <= HeaderHints.MaxListed)
            {
                // Bounded: a header of 50,000 unknown columns must not make 50,000 warnings in the summary.
                _warnings.Add(key.Length == 0
                    ? $"column {c + 1} has no name and is ignored"
                    : $"unknown column '{HeaderHints.Label(label)}' (column {c + 1}) is ignored");
            }
        }
        return ignored;
    }

    /// <summary>Every header key (name or alias) and the field it names.</summary>
    private Dictionary<string, int> LabelFields()
    {
        var labelField = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in _contract.Fields)
        {
            foreach (var label in f.Labels)
            {
                labelField[label] = f.Index;
            }
        }
        return labelField;
    }

    private bool RequiredColumnsPresent(int[] fieldColumn)
    {
        var missing = _contract.Fields.Where(f => f.Required && fieldColumn[f.Index] < 0).ToList();
        if (missing.Count > 0)
        {
            string names = string.Join(", ", missing.Select(f => f.Labels.Length > 1
                ? $"{f.Name} (or {string.Join(", ", f.Labels.Skip(1))})"
                : f.Name));
            SetError(FileErrorCodes.MissingLabel,
                $"required column(s) missing from the header: {names}; the header found is: {HeaderHints.List(_header)}{HeaderHints.ForMissingLabel(_header, _contract.Dialect.Delimiter)}");
            return false;
        }
        return true;
    }
}
