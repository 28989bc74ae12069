using Amazon.S3.Model;
using TransactionEtl.Aws.S3.Internal;

namespace TransactionEtl.Aws.S3;

/// <summary>
/// The body of one object version as a forward-only stream straight off the HTTP response: nothing is
/// buffered beyond the socket's window and nothing touches /tmp. Read failures surface as
/// <see cref="S3TransferException"/> (transient when the connection broke).
/// </summary>
internal sealed class S3ObjectStream : Stream
{
    private readonly GetObjectResponse _response;
    private readonly Stream _body;
    private readonly string _uri;
    private long _position;

    internal S3ObjectStream(GetObjectResponse response, string uri)
    {
        _response = response;
        _body = response.ResponseStream;
        _uri = uri;
    }

    /// <summary>The object's size in bytes as S3 reported it.</summary>
    public long ContentLength => _response.ContentLength;

    /// <summary>The version actually served (null on an unversioned bucket or a server without versioning).</summary>
    public string? VersionId => _response.VersionId;

    /// <summary>The ETag actually served.</summary>
    public string? ETag => _response.ETag;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => ContentLength;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("An S3 object stream is forward-only.");
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        try
        {
            var n = _body.Read(buffer);
            _position += n;
            return n;
        }
        catch (Exception ex) when (S3Errors.IsMapped(ex))
        {
            throw S3Errors.Map("Reading", _uri, ex, CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            var n = await _body.ReadAsync(buffer, cancellationToken);
            _position += n;
            return n;
        }
        catch (Exception ex) when (S3Errors.IsMapped(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Map("Reading", _uri, ex, cancellationToken);
        }
    }

    /// <inheritdoc />
    public override void Flush() { }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("An S3 object stream is forward-only.");

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            _response.Dispose();
        }
        base.Dispose(disposing);
    }
}
