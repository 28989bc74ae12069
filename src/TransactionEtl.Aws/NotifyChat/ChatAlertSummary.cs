using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.NotifyChat;

/// <summary>The fields of the RunEtl summary (the contract's summary plus report URIs) that a chat message shows.</summary>
internal sealed class ChatAlertSummary
{
    /// <summary>File name.</summary>
    [JsonPropertyName("file")] public string? File { get; set; }

    /// <summary>Ledger id of the file (a number; a string of digits from an older RunEtl is read too).</summary>
    [JsonPropertyName("file_id")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? FileId { get; set; }

    /// <summary>Outcome.</summary>
    [JsonPropertyName("status")] public string? Status { get; set; }

    /// <summary>Data rows.</summary>
    [JsonPropertyName("rows_total")] public long? RowsTotal { get; set; }

    /// <summary>Rows inserted.</summary>
    [JsonPropertyName("rows_loaded")] public long? RowsLoaded { get; set; }

    /// <summary>Rows rejected.</summary>
    [JsonPropertyName("rows_rejected")] public long? RowsRejected { get; set; }

    /// <summary>Rows already loaded by an earlier file.</summary>
    [JsonPropertyName("rows_duplicate")] public long? RowsDuplicate { get; set; }

    /// <summary>
    /// Rows whose key an earlier file stored with other values: rejected (<c>key-conflict</c>), updated or skipped, as the
    /// contract's onExistingKey says. Absent from an older RunEtl's summary.
    /// </summary>
    [JsonPropertyName("rows_conflicting")] public long? RowsConflicting { get; set; }

    /// <summary>Conflicting rows that replaced the stored row (onExistingKey: update).</summary>
    [JsonPropertyName("rows_updated")] public long? RowsUpdated { get; set; }

    /// <summary>gzip, zstd, bzip2 or zip; absent for an uncompressed file.</summary>
    [JsonPropertyName("compression")] public string? Compression { get; set; }

    /// <summary>Decompressed size in bytes; absent for an uncompressed file.</summary>
    [JsonPropertyName("bytes_decompressed")] public long? BytesDecompressed { get; set; }

    /// <summary>Count per reject code.</summary>
    [JsonPropertyName("reject_reasons")] public Dictionary<string, long>? RejectReasons { get; set; }

    /// <summary><c>s3://</c> URIs of the reports RunEtl wrote.</summary>
    [JsonPropertyName("reports")] public ChatAlertReports? Reports { get; set; }
}
