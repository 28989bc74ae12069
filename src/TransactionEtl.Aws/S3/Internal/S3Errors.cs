using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace TransactionEtl.Aws.S3.Internal;

/// <summary>Maps SDK and network failures onto <see cref="S3TransferException"/> with the transient flag set right.</summary>
internal static class S3Errors
{
    public static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        AmazonS3Exception s3 => (int)s3.StatusCode >= 500 || s3.StatusCode == HttpStatusCode.TooManyRequests
                                || s3.ErrorCode is "SlowDown" or "RequestTimeout" or "InternalError" or "ServiceUnavailable",
        AmazonServiceException svc => (int)svc.StatusCode >= 500,
        HttpRequestException or IOException or AmazonClientException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static bool IsMapped(Exception ex) =>
        ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException;

    public static S3TransferException Map(string action, string uri, Exception ex, CancellationToken cancellationToken)
    {
        var transient = IsTransient(ex, cancellationToken);
        var what = ex is AmazonServiceException svc
            ? $"{svc.ErrorCode ?? svc.StatusCode.ToString()} (HTTP {(int)svc.StatusCode})"
            : ex.GetType().Name;
        var hint = ex switch
        {
            AmazonS3Exception { ErrorCode: "NoSuchKey" or "NoSuchVersion" } => "the object or version no longer exists; it was deleted after the event",
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } => "the bucket does not exist in this account/region",
            AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } => "the function's role lacks permission (s3:GetObject/GetObjectVersion/PutObject) or a KMS key policy denies it",
            AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed } => "the object was overwritten since the event; the newer upload has its own event",
            _ when transient => "a retry may succeed",
            _ => "see the inner error",
        };
        return new S3TransferException($"{action} {uri} failed with {what}: {hint}.", transient, ex);
    }
}
