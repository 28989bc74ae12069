using System.Text;

namespace TransactionEtl.Core.Tests;

/// <summary>Runs the engine over text or bytes with the default contract (or another) and collects the outcome.</summary>
internal static class Engine
{
    public const string Header = "transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax";

    public static Task<(FileResult Result, CollectingSink Sink)> RunAsync(string text, Contract? contract = null, bool detectDuplicates = true) =>
        RunAsync(Encoding.UTF8.GetBytes(text), contract, detectDuplicates);

    public static async Task<(FileResult Result, CollectingSink Sink)> RunAsync(byte[] bytes, Contract? contract = null, bool detectDuplicates = true, int maxRecordChars = ProcessingOptions.DefaultMaxRecordChars, int maxFieldChars = ProcessingOptions.DefaultMaxFieldChars)
    {
        var sink = new CollectingSink();
        var options = new ProcessingOptions
        {
            Contract = contract ?? Contract.Default,
            DetectDuplicatesInMemory = detectDuplicates,
            MaxRecordChars = maxRecordChars,
            MaxFieldChars = maxFieldChars,
        };
        var result = await FileProcessor.ProcessAsync(new MemoryStream(bytes), sink, options, CancellationToken.None);
        return (result, sink);
    }

    /// <summary>One data row under the standard header.</summary>
    public static Task<(FileResult Result, CollectingSink Sink)> RowAsync(string row) => RunAsync(Header + "\n" + row + "\n");

    /// <summary>A valid default row with one column replaced.</summary>
    public static string Row(
        string id = "TX-1", string timestamp = "2024-03-01T10:00:00Z", string account = "ACC-1", string merchant = "Shop",
        string category = "groceries", string amount = "10.00", string currency = "EUR", string country = "DE",
        string region = "", string includesTax = "") =>
        string.Join(',', id, timestamp, account, merchant, category, amount, currency, country, region, includesTax);

    public static object? Value(this (long Line, string Raw, string Key, object?[] Values) row, string column) =>
        row.Values[Contract.Default.OutputColumns.Select(c => c.Name).ToList().IndexOf(column)];
}
