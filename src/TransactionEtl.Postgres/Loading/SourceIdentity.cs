namespace TransactionEtl.Postgres.Loading;

/// <summary>
/// Where a file came from: a local path or an S3 object version. Together with the content SHA-256 it
/// identifies a file in the ledger. <see cref="Key"/> is the canonical form used as the advisory-lock key,
/// so two processes given the same source serialize on it.
/// </summary>
public sealed record SourceIdentity
{
    private SourceIdentity(string key, string uri)
    {
        Key = key;
        Uri = uri;
    }

    /// <summary>The canonical identity: <c>file:///abs/path</c> or <c>s3://bucket/key</c> plus version/ETag.</summary>
    public string Key { get; }

    /// <summary>A URI for people: the file's <c>file://</c> URI or <c>s3://bucket/key</c>.</summary>
    public string Uri { get; }

    /// <summary>The absolute local path, for a local file.</summary>
    public string? LocalPath { get; private init; }

    /// <summary>The S3 bucket, for an S3 object.</summary>
    public string? Bucket { get; private init; }

    /// <summary>The S3 object key, for an S3 object.</summary>
    public string? ObjectKey { get; private init; }

    /// <summary>The S3 version id, when the bucket is versioned.</summary>
    public string? VersionId { get; private init; }

    /// <summary>The S3 ETag (without quotes), when known.</summary>
    public string? ETag { get; private init; }

    /// <summary>
    /// True when the identity pins the content (an S3 version id or ETag): a source already loaded under
    /// this key can be answered <c>already_loaded</c> without reading it. A local path can be rewritten, so
    /// for local files only the content hash counts.
    /// </summary>
    public bool PinsContent => VersionId is not null || ETag is not null;

    /// <summary>A local file; the path is made absolute so that <c>./a.csv</c> and <c>/x/a.csv</c> are one source.</summary>
    public static SourceIdentity ForLocalFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var uri = new Uri(full).AbsoluteUri;
        return new SourceIdentity(uri, uri) { LocalPath = full };
    }

    /// <summary>
    /// A member of a local ZIP archive, a file of its own in the ledger: <c>file:///abs/archive.zip!dir/member.csv</c>
    /// (the <c>!</c> as in a jar: URL), so each member has its own key and lock and the archive's other members do not
    /// make it look changed.
    /// </summary>
    public static SourceIdentity ForArchiveMember(string archivePath, string memberName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(archivePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(memberName);
        var full = Path.GetFullPath(archivePath);
        var uri = $"{new Uri(full).AbsoluteUri}!{memberName}";
        return new SourceIdentity(uri, uri) { LocalPath = $"{full}!{memberName}" };
    }

    /// <summary>
    /// Standard input (<c>txetl run -</c>): one source for every piped file, so only the content hash tells two
    /// apart, and a second pipe of the same bytes is <c>already_loaded</c>.
    /// </summary>
    public static SourceIdentity ForStandardInput() => new("stdin:", "stdin:");

    /// <summary>An S3 object version; give <paramref name="versionId"/> when the bucket is versioned, else the ETag.</summary>
    public static SourceIdentity ForS3Object(string bucket, string objectKey, string? versionId, string? eTag)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        ArgumentException.ThrowIfNullOrWhiteSpace(objectKey);
        var cleanETag = string.IsNullOrEmpty(eTag) ? null : eTag.Trim('"');
        var version = string.IsNullOrEmpty(versionId) ? null : versionId;
        var uri = $"s3://{bucket}/{objectKey}";
        var key = version is not null ? $"{uri}#version={version}"
            : cleanETag is not null ? $"{uri}#etag={cleanETag}"
            : uri;
        return new SourceIdentity(key, uri)
        {
            Bucket = bucket,
            ObjectKey = objectKey,
            VersionId = version,
            ETag = cleanETag,
        };
    }

    /// <inheritdoc />
    public override string ToString() => Key;
}
