namespace TransactionEtl.Aws.StartWorkflow;

/// <summary>
/// Decodes object keys of S3 event notifications, which S3 writes form-URL-encoded: <c>+</c> stands for a
/// space and a real plus arrives as <c>%2B</c>; other bytes are UTF-8 percent-escapes.
/// </summary>
internal static class S3KeyDecoder
{
    /// <summary>The key as stored in the bucket.</summary>
    public static string Decode(string encodedKey)
    {
        ArgumentNullException.ThrowIfNull(encodedKey);
        // '+' first: after unescaping, a '+' could only have come from %2B.
        return Uri.UnescapeDataString(encodedKey.Replace('+', ' '));
    }
}
