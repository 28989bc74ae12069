using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>
/// An S3 event notification: <c>Records</c>, or the one-off <c>s3:TestEvent</c> that S3 sends when a
/// notification is configured (which has <c>Event</c> and no records).
/// </summary>
internal sealed class S3EventNotification
{
    /// <summary>The events; S3 sends one per message today, but the format allows several.</summary>
    [JsonPropertyName("Records")]
    public IReadOnlyList<S3EventRecord>? Records { get; set; }

    /// <summary><c>s3:TestEvent</c> for the test message; absent on real events.</summary>
    [JsonPropertyName("Event")]
    public string? Event { get; set; }

    /// <summary>Bucket of the test message.</summary>
    [JsonPropertyName("Bucket")]
    public string? Bucket { get; set; }
}
