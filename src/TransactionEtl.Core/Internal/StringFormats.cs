using System.Text.RegularExpressions;

namespace TransactionEtl.Core.Internal;

/// <summary>
/// The string formats of Table Schema v2 (<c>email</c>, <c>uri</c>, <c>uuid</c>, <c>binary</c>). The standard only names
/// them; what passes follows frictionless-py's <c>fields/string.py</c>: a URI must have a scheme (its rfc3986 validator
/// with <c>require_presence_of("scheme")</c>), an email is what the <c>validators</c> package calls one, a uuid is the
/// 8-4-4-4-12 hex form of any version, and binary is base64 (Python's <c>base64.b64decode</c>).
/// </summary>
internal static partial class StringFormats
{
    public const string EmailExpected = "expected an email address such as name@example.com";
    public const string UriExpected = "expected an absolute URI with a scheme such as https://example.com/a (RFC 3986 characters; spaces percent-encoded as %20)";
    public const string UuidExpected = "expected a UUID of 32 hex digits as 8-4-4-4-12 such as 0f8fad5b-d9cb-469f-a165-70867728950e";
    public const string BinaryExpected = "expected base64 such as dGVzdA== (A-Z a-z 0-9 + /, padded with = to a multiple of 4)";

    // Dot-atom local part (RFC 5322 without quoted strings) and a host name with at least two labels whose last
    // (the top-level domain) is letters or an IDNA "xn--" label: the shape validators.email accepts.
    [GeneratedRegex(
        @"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$",
        RegexOptions.CultureInvariant)]
    private static partial Regex EmailRegex();

    // RFC 3986 "URI": scheme ":" then only unreserved, reserved and percent-encoded characters.
    [GeneratedRegex(
        @"^[A-Za-z][A-Za-z0-9+.-]*:([A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$",
        RegexOptions.CultureInvariant)]
    private static partial Regex UriRegex();

    public static bool IsEmail(string s)
    {
        int at = s.LastIndexOf('@');
        // RFC 5321 limits: 64 characters before the @, 254 in all.
        return s.Length <= 254 && at is > 0 and <= 64 && EmailRegex().IsMatch(s);
    }

    public static bool IsUri(string s) => UriRegex().IsMatch(s);

    /// <summary>The 8-4-4-4-12 form only (Guid.TryParseExact would also accept white space around it).</summary>
    public static bool TryUuid(string s, out Guid uuid)
    {
        uuid = Guid.Empty;
        return s.Length == 36 && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1]) && Guid.TryParseExact(s, "D", out uuid);
    }

    /// <summary>Base64 with padding; white space inside is skipped, as base64.b64decode and Convert do.</summary>
    public static bool TryBinary(string s, out byte[] bytes)
    {
        var buffer = new byte[(s.Length / 4 * 3) + 3];
        if (s.Length > 0 && Convert.TryFromBase64String(s, buffer, out int written))
        {
            bytes = written == buffer.Length ? buffer : buffer[..written];
            return true;
        }
        bytes = [];
        return false;
    }
}
