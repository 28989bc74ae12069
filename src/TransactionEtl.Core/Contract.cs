using System.Text;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core;

/// <summary>
/// A data contract: a Frictionless Table Schema (v2) with a Table Dialect and <c>x-txetl</c> extensions (see
/// docs/contracts.md). It says how to read a CSV file, which rules each column obeys, how values are normalized and
/// taxed, and which typed columns come out. Immutable and thread-safe once loaded.
/// </summary>
public sealed class Contract
{
    /// <summary>The name of the shipped default contract resource and file (<c>contracts/transactions.contract.json</c>).</summary>
    public const string DefaultFileName = "transactions.contract.json";

    private const string EmbeddedName = "TransactionEtl.Core.Contracts." + DefaultFileName;
    private static readonly Lazy<Contract> DefaultContract = new(() =>
    {
        using var stream = typeof(Contract).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"Embedded resource {EmbeddedName} is missing from the build.");
        return ContractLoader.Load(stream, "built-in " + DefaultFileName, baseDirectory: null);
    });

    internal Contract(
        string name,
        string version,
        string? title,
        string source,
        IReadOnlyList<OutputColumn> outputColumns,
        IReadOnlyList<string> primaryKey,
        string targetTable,
        decimal maxRejectedRatio,
        FieldSpec[] fields,
        int[] primaryKeyFields,
        DialectSpec dialect,
        TaxSpec? tax)
    {
        Name = name;
        Version = version;
        Title = title;
        Source = source;
        OutputColumns = outputColumns;
        PrimaryKey = primaryKey;
        TargetTable = targetTable;
        MaxRejectedRatio = maxRejectedRatio;
        Fields = fields;
        PrimaryKeyFields = primaryKeyFields;
        Dialect = dialect;
        Tax = tax;
    }

    /// <summary>The transactions contract shipped with the product; used when the user names none.</summary>
    public static Contract Default => DefaultContract.Value;

    /// <summary>The contract's name (e.g. <c>transactions</c>).</summary>
    public string Name { get; }

    /// <summary>The contract's version as written in the file.</summary>
    public string Version { get; }

    /// <summary>A human title, or null.</summary>
    public string? Title { get; }

    /// <summary>Where the contract came from (a path, or "built-in transactions.contract.json").</summary>
    public string Source { get; }

    /// <summary>
    /// The typed columns of each valid row, in the order of <see cref="ValidRow.Values"/>. The loader adds its
    /// own bookkeeping columns (file_id, source_line, loaded_at).
    /// </summary>
    public IReadOnlyList<OutputColumn> OutputColumns { get; }

    /// <summary>The output column name(s) of the primary key.</summary>
    public IReadOnlyList<string> PrimaryKey { get; }

    /// <summary>The target table name (a plain identifier; quote it in SQL).</summary>
    public string TargetTable { get; }

    /// <summary>
    /// Whether the loader creates <see cref="TargetTable"/> from the contract on its first load and adds the columns of
    /// later versions that only add optional fields (<c>x-txetl.createTable</c>, default true). False: the table must
    /// exist, and the loader only checks its column types.
    /// </summary>
    public bool CreateTable { get; internal init; } = true;

    /// <summary>
    /// What a row whose key is stored with other content does (<c>x-txetl.onExistingKey</c>, default
    /// <see cref="Core.OnExistingKey.Reject"/>).
    /// </summary>
    public OnExistingKey OnExistingKey { get; internal init; } = OnExistingKey.Reject;

    /// <summary>The SHA-256 (lower-case hex) of the contract file's bytes, recorded with every load and table change.</summary>
    public string Sha256 { get; internal set; } = "";

    /// <summary>The share of rejected rows above which the whole file is rejected (default 0.05).</summary>
    public decimal MaxRejectedRatio { get; }

    /// <summary>The tax rules of the contract's tax step, or null when it has none.</summary>
    public TaxRuleSet? TaxRules => Tax?.Rules;

    /// <summary>The names of the contract's fields (the CSV columns it knows), in contract order.</summary>
    public IReadOnlyList<string> FieldNames => Array.ConvertAll(Fields, f => f.Name);

    /// <summary>The field delimiter of the contract's CSV dialect (<c>dialect.delimiter</c>).</summary>
    public char Delimiter => Dialect.Delimiter;

    /// <summary>The quote character of the contract's CSV dialect (<c>dialect.quoteChar</c>); quotes inside are doubled.</summary>
    public char QuoteChar => Dialect.Quote;

    /// <summary>
    /// The encoding the contract's files are written in (<c>dialect.encoding</c>), for writers whose output must load
    /// again under this contract: UTF-8 without a byte-order mark unless the dialect names another.
    /// </summary>
    public Encoding FileEncoding => Dialect.Encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// The column of <paramref name="header"/> (labels as found in a file) that holds the primary key, matched the way a
    /// load matches it (name or alias, case and surrounding spaces ignored); -1 when none does or the key has several fields.
    /// </summary>
    public int KeyColumn(IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (PrimaryKeyFields.Length != 1)
        {
            return -1;
        }
        var labels = Fields[PrimaryKeyFields[0]].Labels;
        for (int c = 0; c < header.Count; c++)
        {
            if (labels.Contains(ContractLoader.HeaderKey(header[c]), StringComparer.Ordinal))
            {
                return c;
            }
        }
        return -1;
    }

    /// <summary>A primary key cell as a load stores it: with the key field's normalization steps applied.</summary>
    public string NormalizeKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var steps = PrimaryKeyFields.Length == 1 ? Fields[PrimaryKeyFields[0]].Normalize : [];
        return steps.Length == 0 ? value : Normalizer.Apply(value, steps);
    }

    internal FieldSpec[] Fields { get; }

    internal int[] PrimaryKeyFields { get; }

    internal DialectSpec Dialect { get; }

    internal TaxSpec? Tax { get; }

    /// <summary>Loads a contract file. Relative tax rule paths resolve against the file's directory.</summary>
    /// <exception cref="ContractException">The contract has a mistake; the message names its JSON path.</exception>
    public static Contract Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return ContractLoader.Load(stream, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Loads a contract from JSON; <paramref name="source"/> names it in errors.</summary>
    /// <param name="json">The UTF-8 JSON.</param>
    /// <param name="source">A name for messages (file path or "inline").</param>
    /// <param name="baseDirectory">Where relative tax rule paths resolve; null allows only the built-in rules.</param>
    /// <exception cref="ContractException">The contract has a mistake; the message names its JSON path.</exception>
    public static Contract Load(Stream json, string source, string? baseDirectory) =>
        ContractLoader.Load(json, source, baseDirectory);

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Version} ({Source})";

    /// <summary>
    /// This contract reading files with another delimiter and/or encoding (<c>txetl --delimiter</c>, <c>--encoding</c>):
    /// for one file that does not follow the contract's dialect, without a second contract.
    /// </summary>
    /// <exception cref="ContractException">The delimiter is not one character, equals the quote or is a line break, or the encoding is unknown.</exception>
    public Contract WithDialect(string? delimiter, string? encoding)
    {
        var d = Dialect;
        var newDelimiter = delimiter is null ? d.Delimiter
            : delimiter.Length == 1 && delimiter[0] != d.Quote && delimiter[0] is not ('\r' or '\n') ? delimiter[0]
            : throw new ContractException(Source, "dialect.delimiter", $"--delimiter '{delimiter}' must be one character, not the quote {d.Quote} nor a line break");
        var name = encoding?.Trim().ToLowerInvariant() ?? d.EncodingName;
        if (!ContractLoader.TryResolveEncoding(name, out var resolved))
        {
            throw new ContractException(Source, "dialect.encoding", $"unsupported --encoding '{encoding}'; {ContractLoader.SupportedEncodings}");
        }
        var dialect = new DialectSpec { Delimiter = newDelimiter, Quote = d.Quote, Header = d.Header, EncodingName = name, Encoding = resolved };
        return new Contract(Name, Version, Title, Source, OutputColumns, PrimaryKey, TargetTable, MaxRejectedRatio, Fields, PrimaryKeyFields, dialect, Tax)
        {
            CreateTable = CreateTable,
            OnExistingKey = OnExistingKey,
            Sha256 = Sha256,
        };
    }
}
