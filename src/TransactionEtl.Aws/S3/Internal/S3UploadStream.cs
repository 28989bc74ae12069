using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Observability;

namespace TransactionEtl.Aws.S3.Internal;

/// <summary>
/// A write-only stream into one S3 object with bounded memory: bytes collect in one part buffer; a full
/// buffer becomes a multipart-upload part. Nothing is visible in S3 until <see cref="CompleteAsync"/>
/// (the one commit point); disposing without it aborts the upload, like NpgsqlBinaryImporter.
/// </summary>
internal sealed class S3UploadStream : Stream
{
    // S3's minimum part size is 5 MiB; 8 MiB keeps a 10 000-part upload above 80 GB.
    internal const int DefaultPartSize = 8 * 1024 * 1024;

    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _key;
    private readonly string _contentType;
    private readonly ILogger _logger;
    private readonly byte[] _buffer;
    private readonly List<PartETag> _parts = [];
    private int _filled;
    private string? _uploadId;
    private bool _completed;
    private long _total;

    public S3UploadStream(IAmazonS3 s3, string bucket, string key, string contentType, ILogger logger, int partSize = DefaultPartSize)
    {
        _s3 = s3;
        _bucket = bucket;
        _key = key;
        _contentType = contentType;
        _logger = logger;
        _buffer = new byte[partSize];
    }

    public string Uri => $"s3://{_bucket}/{_key}";

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_completed;

    public override long Length => _total;

    public override long Position
    {
        get => _total;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _buffer.Length - _filled);
            buffer.Span[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            _total += n;
            buffer = buffer[n..];
            if (_filled == _buffer.Length)
            {
                await UploadPartAsync(cancellationToken);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // StreamWriter only calls the synchronous path from Dispose/Flush; callers here flush asynchronously first.
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    // Parts are cut at the buffer size, not at flushes: S3 needs parts of at least 5 MiB.
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush() { }

    /// <summary>Makes the object visible: one PUT when it fit one buffer, else the last part and the completion.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        try
        {
            if (_uploadId is null)
            {
                using var body = new MemoryStream(_buffer, 0, _filled, writable: false);
                await _s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = _bucket, Key = _key, InputStream = body, ContentType = _contentType,
                    AutoCloseStream = false, UseChunkEncoding = false,
                }, cancellationToken);
            }
            else
            {
                if (_filled > 0)
                {
                    await UploadPartAsync(cancellationToken);
                }
                await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = _bucket, Key = _key, UploadId = _uploadId, PartETags = _parts,
                }, cancellationToken);
            }
        }
        catch (Exception ex) when (S3Errors.IsMapped(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Map("Writing", Uri, ex, cancellationToken);
        }
        _completed = true;
        _logger.ReportWritten(Uri, _total);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_completed && _uploadId is not null)
        {
            _completed = true;
            try
            {
                // Unfinished parts are billed until aborted (or until a lifecycle rule cleans them).
                await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = _key, UploadId = _uploadId });
                _logger.ReportUploadAborted(Uri);
            }
            catch (Exception ex) when (S3Errors.IsMapped(ex))
            {
                _logger.ReportUploadAborted(Uri + " (abort failed: " + ex.GetType().Name + ")");
            }
        }
        _completed = true;
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_completed && _uploadId is not null)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        _completed = true;
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task UploadPartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _uploadId ??= (await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = _bucket, Key = _key, ContentType = _contentType,
            }, cancellationToken)).UploadId;
            var number = _parts.Count + 1;
            using var body = new MemoryStream(_buffer, 0, _filled, writable: false);
            var response = await _s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _bucket, Key = _key, UploadId = _uploadId, PartNumber = number,
                InputStream = body, PartSize = _filled, UseChunkEncoding = false,
            }, cancellationToken);
            _parts.Add(new PartETag(number, response.ETag));
            _filled = 0;
        }
        catch (Exception ex) when (S3Errors.IsMapped(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Map("Writing", Uri, ex, cancellationToken);
        }
    }
}
