namespace TransactionEtl.Core;

/// <summary>
/// A contract file (or a tax rule file it names) has a mistake. The message names the source and the JSON path
/// (or CSV line) of the mistake, e.g. <c>fields[3].constraints.pattern: invalid regex</c>.
/// </summary>
public sealed class ContractException : TransactionEtlException
{
    /// <summary>Creates the exception for a mistake at <paramref name="path"/> in <paramref name="source"/>.</summary>
    public ContractException(string source, string path, string problem)
        : base(path.Length == 0 ? $"{source}: {problem}" : $"{source}: {path}: {problem}")
    {
        ContractSource = source;
        JsonPath = path;
        Problem = problem;
    }

    public ContractException() { }

    public ContractException(string message) : base(message) { }

    public ContractException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The contract file (or "built-in") the mistake is in.</summary>
    public string? ContractSource { get; }

    /// <summary>The JSON path of the mistake without the leading <c>$.</c>, e.g. <c>fields[3].constraints.pattern</c>.</summary>
    public string? JsonPath { get; }

    /// <summary>What is wrong there, with a hint.</summary>
    public string? Problem { get; }
}
