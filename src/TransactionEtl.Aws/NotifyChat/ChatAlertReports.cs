using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.NotifyChat;

/// <summary>The <c>reports</c> object of the RunEtl summary.</summary>
internal sealed class ChatAlertReports
{
    /// <summary><c>s3://</c> URI of rejects.csv.</summary>
    [JsonPropertyName("rejects_csv")] public string? RejectsCsv { get; set; }

    /// <summary><c>s3://</c> URI of summary.json.</summary>
    [JsonPropertyName("summary_json")] public string? SummaryJson { get; set; }
}
