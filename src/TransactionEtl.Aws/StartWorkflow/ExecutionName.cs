using System.Security.Cryptography;
using System.Text;

namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>
/// Deterministic execution names: the same object version always yields the same name, so a duplicate
/// S3 delivery meets <c>ExecutionAlreadyExists</c> instead of loading the file twice. The name is a
/// readable piece of the file name (for people scanning the console) plus a hash of bucket, key and
/// version (for uniqueness), at most 80 characters of <c>[A-Za-z0-9-_]</c>.
/// </summary>
internal static class ExecutionName
{
    /// <summary>Step Functions' limit on execution names.</summary>
    public const int MaxLength = 80;

    private const int HashChars = 32; // 128 bits: collisions are not a practical concern
    private const int ReadableChars = MaxLength - HashChars - 1;

    /// <summary>
    /// Name for an object version. <paramref name="versionIdOrETag"/> is the version id on versioned
    /// buckets, else the ETag (an overwrite with new content then gets a new name; the same content
    /// again does not, which is what "load each file once" wants).
    /// </summary>
    public static string For(string bucket, string key, string? versionIdOrETag)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentNullException.ThrowIfNull(key);
        var identity = Encoding.UTF8.GetBytes(string.Join('\n', bucket, key, versionIdOrETag ?? string.Empty));
        var hash = Convert.ToHexStringLower(SHA256.HashData(identity))[..HashChars];
        return Readable(key) + "-" + hash;
    }

    /// <summary>The file-name part of the key; runs of characters outside the allowed set become one <c>_</c>.</summary>
    internal static string Readable(string key)
    {
        var fileName = key.TrimEnd('/');
        fileName = fileName[(fileName.LastIndexOf('/') + 1)..];
        var builder = new StringBuilder(fileName.Length);
        foreach (var c in fileName)
        {
            // Non-ASCII letters become '_' too: the bootstrap runs with invariant globalization, where
            // decomposing "é" into "e" + accent is not available; the hash keeps such names unique.
            var allowed = char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
            if (allowed)
            {
                builder.Append(c);
            }
            else if (builder.Length == 0 || builder[^1] != '_')
            {
                builder.Append('_');
            }
        }
        var readable = builder.ToString().Trim('_', '-');
        if (readable.Length > ReadableChars)
        {
            // Keep the end: file names tend to differ in their date or sequence suffix, not their prefix.
            readable = readable[^ReadableChars..].TrimStart('_', '-');
        }
        return readable.Length == 0 ? "object" : readable;
    }
}
