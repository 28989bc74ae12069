using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.S3.Internal;

namespace TransactionEtl.Aws.S3;

/// <summary>Writes a file's reports beside it under <see cref="ReportLocation.Prefix"/>.</summary>
internal sealed class S3ReportWriter
{
    private readonly IAmazonS3 _s3;
    private readonly ILogger _logger;
    private readonly int _partSize;

    /// <summary>Creates the writer over an S3 client (see <see cref="S3ClientFactory"/>).</summary>
    public S3ReportWriter(IAmazonS3 s3, ILogger logger) : this(s3, logger, S3UploadStream.DefaultPartSize) { }

    internal S3ReportWriter(IAmazonS3 s3, ILogger logger, int partSize)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(logger);
        _s3 = s3;
        _logger = logger;
        _partSize = partSize;
    }

    /// <summary>Starts the rejected-rows CSV; write rows, then <see cref="RejectsReportWriter.CompleteAsync"/>.</summary>
    public async Task<RejectsReportWriter> OpenRejectsAsync(ReportLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        var upload = new S3UploadStream(_s3, location.Bucket, location.RejectsKey, "text/csv; charset=utf-8", _logger, _partSize);
        var writer = new RejectsReportWriter(upload, location.RejectsUri);
        await writer.WriteHeaderAsync(cancellationToken);
        return writer;
    }

    /// <summary>Puts the summary JSON (small, already serialized by the caller).</summary>
    /// <returns>The summary's <c>s3://</c> URI.</returns>
    public async Task<string> WriteSummaryAsync(ReportLocation location, ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        try
        {
            using var body = new MemoryStream(utf8Json.ToArray(), writable: false);
            await _s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = location.Bucket, Key = location.SummaryKey, InputStream = body,
                ContentType = "application/json", UseChunkEncoding = false,
            }, cancellationToken);
        }
        catch (Exception ex) when (S3Errors.IsMapped(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Map("Writing", location.SummaryUri, ex, cancellationToken);
        }
        _logger.ReportWritten(location.SummaryUri, utf8Json.Length);
        return location.SummaryUri;
    }
}
