using System.Security.Cryptography;
using System.Text;

namespace TransactionEtl.Aws.S3;

/// <summary>
/// Where the reports of one object version go: <c>reports/&lt;safe-name&gt;/rejects.csv</c> and
/// <c>.../summary.json</c> in the object's bucket. The safe name is derived from the key but can never
/// leave the <c>reports/</c> prefix: it is one path segment of <c>[A-Za-z0-9._-]</c>, never <c>.</c> or
/// <c>..</c>, at most <see cref="MaxReadableLength"/> readable characters plus a hash of the full key and
/// version (so distinct keys that sanitize alike, or versions of one key, never share reports).
/// </summary>
internal sealed record ReportLocation
{
    /// <summary>The one prefix every report lives under. The S3 notification must not cover it.</summary>
    public const string Prefix = "reports/";

    /// <summary>Longest readable part of the safe name; S3 keys may be 1024 bytes, reports stay short.</summary>
    public const int MaxReadableLength = 96;

    private ReportLocation(string bucket, string folder)
    {
        Bucket = bucket;
        Folder = folder;
    }

    /// <summary>The bucket (the object's own).</summary>
    public string Bucket { get; }

    /// <summary>The report folder, <c>reports/&lt;safe-name&gt;/</c>.</summary>
    public string Folder { get; }

    /// <summary>Key of the rejected-rows CSV.</summary>
    public string RejectsKey => Folder + "rejects.csv";

    /// <summary>Key of the summary JSON.</summary>
    public string SummaryKey => Folder + "summary.json";

    /// <summary><c>s3://</c> URI of the rejected-rows CSV.</summary>
    public string RejectsUri => $"s3://{Bucket}/{RejectsKey}";

    /// <summary><c>s3://</c> URI of the summary JSON.</summary>
    public string SummaryUri => $"s3://{Bucket}/{SummaryKey}";

    /// <summary>The report location for one object version.</summary>
    public static ReportLocation For(S3ObjectPointer source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ReportLocation(source.Bucket, $"{Prefix}{SafeName(source.Key, source.VersionId ?? source.ETag)}/");
    }

    /// <summary>One safe path segment derived from the key; see the type's remarks.</summary>
    internal static string SafeName(string key, string? version)
    {
        ArgumentNullException.ThrowIfNull(key);
        var readable = new StringBuilder(Math.Min(key.Length, MaxReadableLength));
        foreach (var segment in key.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment is "." or "..")
            {
                continue;
            }
            if (readable.Length > 0)
            {
                readable.Append('-');
            }
            foreach (var c in segment)
            {
                readable.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
            }
            if (readable.Length >= MaxReadableLength)
            {
                break;
            }
        }
        var name = readable.ToString();
        if (name.Length > MaxReadableLength)
        {
            name = name[..MaxReadableLength];
        }
        // Leading dots would make "..", "." or hidden names possible after truncation; trailing ones look like extensions.
        name = name.Trim('.');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + "\n" + version)))[..16];
        return name.Length == 0 ? hash : $"{name}-{hash}";
    }
}
