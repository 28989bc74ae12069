namespace TransactionEtl.Aws.Signing;

/// <summary>The result of signing, with the intermediate texts so they can be checked against AWS's test suite.</summary>
internal sealed class SigV4Signature
{
    /// <summary>Creates a signature result.</summary>
    public SigV4Signature(string canonicalRequest, string stringToSign, string signedHeaders, string signature, string authorization)
    {
        CanonicalRequest = canonicalRequest;
        StringToSign = stringToSign;
        SignedHeaders = signedHeaders;
        Signature = signature;
        Authorization = authorization;
    }

    /// <summary>Task 1: the canonical request.</summary>
    public string CanonicalRequest { get; }

    /// <summary>Task 2: the string to sign.</summary>
    public string StringToSign { get; }

    /// <summary>Lower-case header names, sorted, joined with <c>;</c>.</summary>
    public string SignedHeaders { get; }

    /// <summary>Task 3: hex HMAC-SHA256 of the string to sign.</summary>
    public string Signature { get; }

    /// <summary>Task 4: the <c>Authorization</c> header value.</summary>
    public string Authorization { get; }
}
