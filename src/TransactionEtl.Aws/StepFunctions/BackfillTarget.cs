namespace TransactionEtl.Aws.StepFunctions;

/// <summary>What a backfill loads: every object under <see cref="Prefix"/> in <see cref="Bucket"/>.</summary>
public sealed class BackfillTarget
{
    private BackfillTarget(string bucket, string prefix)
    {
        Bucket = bucket;
        Prefix = prefix;
    }

    /// <summary>The bucket the backfill state machine lists.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix (ListObjectsV2's Prefix), e.g. <c>incoming/2026-11/</c>; may be empty.</summary>
    public string Prefix { get; }

    /// <summary>
    /// Parses <c>s3://bucket/prefix/</c>. The prefix is taken literally, as ListObjectsV2 does: <c>incoming/2026</c>
    /// also lists <c>incoming/2026-11/a.csv</c>, which is why the trailing slash is worth typing.
    /// </summary>
    /// <exception cref="ArgumentException">Not an s3:// URI with a bucket.</exception>
    public static BackfillTarget Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        const string scheme = "s3://";
        if (!uri.StartsWith(scheme, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{uri}' is not an S3 URI; expected s3://bucket/prefix/ (e.g. s3://txetl-prod-drop/incoming/2026-11/).", nameof(uri));
        }
        var rest = uri[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        // Bucket names: 3-63 lowercase letters, digits, dots and hyphens (S3's rule, simplified).
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-'))
        {
            throw new ArgumentException($"'{uri}' names no valid bucket ('{bucket}'); expected s3://bucket/prefix/.", nameof(uri));
        }
        if (prefix.Contains('*', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{uri}': the prefix is literal, wildcards are not expanded; name the folder, e.g. s3://{bucket}/incoming/2026-11/.", nameof(uri));
        }
        return new BackfillTarget(bucket, prefix);
    }

    /// <inheritdoc />
    public override string ToString() => $"s3://{Bucket}/{Prefix}";
}
