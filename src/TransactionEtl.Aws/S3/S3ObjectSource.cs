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
internal sealed class S3ObjectSource
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
    public async Task<S3ObjectStream> OpenAsync(S3ObjectPointer source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var request = new GetObjectRequest { BucketName = source.Bucket, Key = source.Key };
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

    // S3 events carry the ETag bare; HTTP headers quote it.
    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";
}
