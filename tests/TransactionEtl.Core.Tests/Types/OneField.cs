using System.Text;

namespace TransactionEtl.Core.Tests.Types;

/// <summary>A contract of one field named <c>v</c>, and the engine run over one cell of it.</summary>
internal static class OneField
{
    /// <summary>Loads a contract whose only field is <c>{"name": "v", ...}</c> plus <paramref name="properties"/> (JSON members).</summary>
    public static Contract Contract(string properties) =>
        TransactionEtl.Core.Contract.Load(
            new MemoryStream(Encoding.UTF8.GetBytes($$"""{"name": "t", "version": "1", "fields": [{"name": "v", {{properties}}}]}""")),
            "test.json", null);

    public static ContractException Refused(string properties) => Assert.Throws<ContractException>(() => Contract(properties));

    /// <summary>The typed value of <paramref name="cell"/>, or the row's errors when it is rejected.</summary>
    public static async Task<(object? Value, CellError[] Errors)> ReadAsync(Contract contract, string cell)
    {
        string quoted = "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var (result, sink) = await Engine.RunAsync("v\n" + quoted + "\n", contract);
        Assert.Null(result.ErrorCode);
        return sink.Valid.Count == 1 ? (sink.Valid[0].Values[0], []) : (null, sink.Rejected.Single().Errors.ToArray());
    }

    public static async Task<object?> ValueAsync(string properties, string cell)
    {
        var (value, errors) = await ReadAsync(Contract(properties), cell);
        Assert.True(errors.Length == 0, $"'{cell}' was rejected: {string.Join("; ", errors.Select(e => e.Message))}");
        return value;
    }

    public static async Task<CellError> ErrorAsync(string properties, string cell)
    {
        var (value, errors) = await ReadAsync(Contract(properties), cell);
        Assert.True(errors.Length == 1, $"'{cell}' was accepted as {value}");
        return errors[0];
    }
}
