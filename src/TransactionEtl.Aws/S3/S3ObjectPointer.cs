namespace TransactionEtl.Aws.S3;

/// <summary>
/// One version of one S3 object, as the S3 event named it. The state machine passes only this, never rows.
/// </summary>
/// <param name="Bucket">Bucket name.</param>
/// <param name="Key">Object key, already URL-decoded.</param>
/// <param name="VersionId">Version id on a versioned bucket; null otherwise.</param>
/// <param name="ETag">ETag from the event; pins the content when the bucket is not versioned.</param>
internal sealed record S3ObjectPointer(string Bucket, string Key, string? VersionId = null, string? ETag = null)
{
    /// <summary>The <c>s3://bucket/key</c> form used in messages and summaries.</summary>
    public string Uri => $"s3://{Bucket}/{Key}";
}
