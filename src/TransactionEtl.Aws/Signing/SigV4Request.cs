namespace TransactionEtl.Aws.Signing;

/// <summary>
/// The parts of an HTTP request that Signature Version 4 covers, as they go on the wire.
/// </summary>
internal sealed class SigV4Request
{
    /// <summary>Creates a request description.</summary>
    /// <param name="method">HTTP method, e.g. POST.</param>
    /// <param name="path">The path as sent, e.g. <c>/</c> (already percent-encoded where the URI needs it).</param>
    /// <param name="query">The query string as sent, without <c>?</c>; empty when there is none.</param>
    /// <param name="headers">Every header to sign, in request order; repeated names are allowed.</param>
    /// <param name="payloadSha256Hex">Lower-case hex SHA-256 of the body.</param>
    public SigV4Request(string method, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers, string payloadSha256Hex)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentException.ThrowIfNullOrEmpty(payloadSha256Hex);
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        PayloadSha256Hex = payloadSha256Hex;
    }

    /// <summary>HTTP method.</summary>
    public string Method { get; }

    /// <summary>Path as sent.</summary>
    public string Path { get; }

    /// <summary>Query string as sent, without <c>?</c>.</summary>
    public string Query { get; }

    /// <summary>Headers to sign (must include host and x-amz-date).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Hex SHA-256 of the payload.</summary>
    public string PayloadSha256Hex { get; }
}
