using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.S3.Internal;

namespace TransactionEtl.Aws.S3;

/// <summary>
/// Opens exactly the object version the event named, as a stream. With a version id the GET is pinned to
/// it; without one (unversioned bucket) the event's ETag is sent as If-Match and checked on the response,
/// so an object overwritten after its event is never loaded under the old event's name.
/// </summary>
internal sealed partial class S3ObjectSource
{
    private readonly IAmazonS3 _s3;
    private readonly ILogger _logger;

    /// <summary>Creates the source over an S3 client (see <see cref="S3ClientFactory"/>).</summary>
    public S3ObjectSource(IAmazonS3 s3, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(logger);
        _s3 = s3;
        _logger = logger;
    }

    /// <summary>Starts the GET and returns the body stream; dispose it to release the connection.</summary>
    /// <exception cref="S3TransferException">Missing, denied, changed since the event, or S3 failed (transient).</exception>
    public Task<S3ObjectStream> OpenAsync(S3ObjectPointer source, CancellationToken cancellationToken) =>
        GetAsync(source, null, cancellationToken);

    /// <summary>
    /// A ranged GET of <c>[offset, offset + length)</c> of the same pinned version (Range plus versionId or If-Match), for
    /// the chunk planner and the chunk workers (<see cref="TransactionEtl.Core.ByteRangeReader"/>). A range that starts at or
    /// after the object's end is empty, as a local file read there would be. Needs only s3:GetObject (GetObjectVersion
    /// with a version id), as a whole GET does.
    /// </summary>
    /// <exception cref="S3TransferException">As <see cref="OpenAsync"/>; also when the server did not serve the range asked for.</exception>
    public async Task<Stream> OpenRangeAsync(S3ObjectPointer source, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length <= 0)
        {
            return Stream.Null;
        }
        try
        {
            return await GetAsync(source, new ByteRange(offset, offset + length - 1), cancellationToken);
        }
        catch (S3TransferException ex) when (ex.InnerException is AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.RequestedRangeNotSatisfiable })
        {
            return Stream.Null;
        }
    }

    private async Task<S3ObjectStream> GetAsync(S3ObjectPointer source, ByteRange? range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var request = new GetObjectRequest { BucketName = source.Bucket, Key = source.Key, ByteRange = range };
        if (!string.IsNullOrEmpty(source.VersionId))
        {
            request.VersionId = source.VersionId;
        }
        else if (!string.IsNullOrEmpty(source.ETag))
        {
            request.EtagToMatch = Quoted(source.ETag);
        }

        GetObjectResponse response;
        try
        {
            response = await _s3.GetObjectAsync(request, cancellationToken);
        }
        catch (Exception ex) when (S3Errors.IsMapped(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Map("Opening", source.Uri, ex, cancellationToken);
        }

        // Servers that ignore If-Match or versionId (s3rver does both) would silently serve other bytes;
        // check what came back against what was asked for.
        var mismatch = Mismatch(source, response);
        if (mismatch is not null)
        {
            response.Dispose();
            throw new S3TransferException(
                $"Opening {source.Uri} served {mismatch}: the object was overwritten since the event; the newer upload has its own event.",
                isTransient: false);
        }
        var rangeMismatch = RangeMismatch(range, response);
        if (rangeMismatch is not null)
        {
            response.Dispose();
            throw new S3TransferException($"Opening a range of {source.Uri} served {rangeMismatch}: the server ignored the Range header.", isTransient: false);
        }
        _logger.S3ObjectOpened(source.Bucket, source.Key, response.VersionId ?? source.VersionId, response.ContentLength);
        return new S3ObjectStream(response, source.Uri);
    }

    private static string? Mismatch(S3ObjectPointer source, GetObjectResponse response)
    {
        if (!string.IsNullOrEmpty(source.VersionId) && !string.IsNullOrEmpty(response.VersionId)
            && !string.Equals(source.VersionId, response.VersionId, StringComparison.Ordinal))
        {
            return $"version {response.VersionId} instead of {source.VersionId}";
        }
        if (string.IsNullOrEmpty(source.VersionId) && !string.IsNullOrEmpty(source.ETag) && !string.IsNullOrEmpty(response.ETag)
            && !string.Equals(Quoted(source.ETag), Quoted(response.ETag), StringComparison.Ordinal))
        {
            return $"ETag {response.ETag} instead of {Quoted(source.ETag)}";
        }
        return null;
    }

    // A server that ignores Range answers 200 with the whole body, and s3rver answers "bytes=0-0" with the rest of the
    // object: reading either as the range would shift or repeat bytes. The served range must be the one asked for,
    // cut only at the object's end.
    private static string? RangeMismatch(ByteRange? range, GetObjectResponse response)
    {
        if (range is null)
        {
            return null;
        }
        var served = response.ContentRange;
        var match = served is null ? null : ContentRangePattern().Match(served);
        if (match is { Success: true }
            && long.TryParse(match.Groups[1].ValueSpan, out var first) && long.TryParse(match.Groups[2].ValueSpan, out var last)
            && long.TryParse(match.Groups[3].ValueSpan, out var total)
            && first == range.Start && last == Math.Min(range.End, total - 1))
        {
            return null;
        }
        return $"the range '{served ?? "(none: the whole object)"}' instead of bytes {range.Start}-{range.End}";
    }

    [GeneratedRegex(@"^bytes (\d+)-(\d+)/(\d+)$")]
    private static partial Regex ContentRangePattern();

    // S3 events carry the ETag bare; HTTP headers quote it.
    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";
}
