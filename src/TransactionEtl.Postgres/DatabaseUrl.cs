using System.Globalization;
using System.Text;
using Npgsql;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres;

/// <summary>
/// Turns what a user passes as <c>--database-url</c> into an Npgsql connection string. Accepts libpq URIs
/// (<c>postgres://user:pass@host:5432/db?sslmode=require</c>), libpq key=value strings
/// (<c>host=db port=5432 dbname=txetl</c>) and Npgsql strings (<c>Host=db;Database=txetl</c>).
/// </summary>
/// <remarks>Error messages never repeat the value: it may hold a password.</remarks>
public static class DatabaseUrl
{
    // libpq parameter names and the Npgsql keywords they mean.
    private static readonly Dictionary<string, string> LibpqToNpgsql = new(StringComparer.OrdinalIgnoreCase)
    {
        ["host"] = "Host",
        ["hostaddr"] = "Host",
        ["port"] = "Port",
        ["dbname"] = "Database",
        ["user"] = "Username",
        ["password"] = "Password",
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes",
        ["options"] = "Options",
    };

    private static readonly Dictionary<string, string> SslModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = "Disable",
        ["allow"] = "Allow",
        ["prefer"] = "Prefer",
        ["require"] = "Require",
        ["verify-ca"] = "VerifyCA",
        ["verify-full"] = "VerifyFull",
    };

    /// <summary>Converts a URI, libpq key=value string or Npgsql string to an Npgsql connection string.</summary>
    /// <exception cref="TransactionEtlException">The value cannot be understood; the message names the part.</exception>
    public static string ToNpgsqlConnectionString(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new TransactionEtlException("the database URL is empty; expected e.g. postgres://user@host:5432/dbname");
        }
        value = value.Trim();
        var builder = new NpgsqlConnectionStringBuilder();
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            ParseUri(value, builder);
        }
        else if (value.Contains(';', StringComparison.Ordinal))
        {
            try
            {
                builder.ConnectionString = value;
            }
            catch (ArgumentException ex)
            {
                throw new TransactionEtlException($"the database connection string is not valid: {ex.Message}", ex);
            }
        }
        else if (value.Contains('=', StringComparison.Ordinal))
        {
            foreach (var (key, item) in ParseKeyValues(value))
            {
                Set(builder, key, item);
            }
        }
        else
        {
            throw new TransactionEtlException(
                "the database URL is neither a postgres:// URI nor key=value pairs; expected e.g. postgres://user@host:5432/dbname or 'host=... dbname=...'");
        }
        return builder.ConnectionString;
    }

    private static void ParseUri(string value, NpgsqlConnectionStringBuilder builder)
    {
        var rest = value[(value.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart < 0 ? string.Empty : rest[(queryStart + 1)..];
        if (queryStart >= 0)
        {
            rest = rest[..queryStart];
        }
        var pathStart = rest.IndexOf('/', StringComparison.Ordinal);
        var database = pathStart < 0 ? string.Empty : rest[(pathStart + 1)..];
        var authority = pathStart < 0 ? rest : rest[..pathStart];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            Set(builder, "user", Decode(colon < 0 ? userInfo : userInfo[..colon]));
            if (colon >= 0)
            {
                Set(builder, "password", Decode(userInfo[(colon + 1)..]));
            }
        }
        if (authority.Length > 0)
        {
            // host, host:port, [v6]:port, or several of them separated by commas (libpq multi-host).
            var hosts = authority.Split(',');
            if (hosts.Length == 1 && TrySplitPort(hosts[0], out var host, out var port))
            {
                Set(builder, "host", Decode(host));
                Set(builder, "port", port);
            }
            else
            {
                Set(builder, "host", string.Join(',', hosts.Select(Decode)));
            }
        }
        if (database.Length > 0)
        {
            Set(builder, "dbname", Decode(database));
        }
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new TransactionEtlException($"the database URL has a query part without a value: '{Decode(equals < 0 ? pair : pair[..equals])}'");
            }
            Set(builder, Decode(pair[..equals]), Decode(pair[(equals + 1)..]));
        }
    }

    private static bool TrySplitPort(string hostPort, out string host, out string port)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon > 0 && colon > hostPort.LastIndexOf(']'))
        {
            host = hostPort[..colon].Trim('[', ']');
            port = hostPort[(colon + 1)..];
            return true;
        }
        host = hostPort.Trim('[', ']');
        port = string.Empty;
        return hostPort.Length > 0 && colon < 0 || hostPort.EndsWith(']');
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text);

    /// <summary>libpq's key=value syntax: values may be single-quoted, with backslash escapes.</summary>
    /// <remarks>
    /// Lazy on purpose: the caller applies each pair before the next is read, so a bad value earlier in the
    /// string is reported before a syntax error later in it.
    /// </remarks>
    private static IEnumerable<(string Key, string Value)> ParseKeyValues(string text)
    {
        var i = SkipWhiteSpace(text, 0);
        while (i < text.Length)
        {
            var key = ReadKeyAndEquals(text, ref i);
            var value = i < text.Length && text[i] == '\''
                ? ReadQuotedValue(text, key, ref i)
                : ReadBareValue(text, ref i);
            yield return (key, value);
            i = SkipWhiteSpace(text, i);
        }
    }

    private static int SkipWhiteSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
        return i;
    }

    /// <summary>Reads <c>key =</c> and the blanks after it, leaving <paramref name="i"/> at the value.</summary>
    private static string ReadKeyAndEquals(string text, ref int i)
    {
        var keyStart = i;
        while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }
        var key = text[keyStart..i];
        i = SkipWhiteSpace(text, i);
        if (i >= text.Length || text[i] != '=')
        {
            throw new TransactionEtlException($"the database connection string has '{key}' without '=value' (expected key=value pairs such as host=localhost dbname=txetl)");
        }
        i = SkipWhiteSpace(text, i + 1);
        return key;
    }

    /// <summary>A value in single quotes, <paramref name="i"/> at the opening quote; leaves it after the closing one.</summary>
    private static string ReadQuotedValue(string text, string key, ref int i)
    {
        var value = new StringBuilder();
        i++;
        while (true)
        {
            if (i >= text.Length)
            {
                throw new TransactionEtlException($"the database connection string has an unterminated quoted value for '{key}'");
            }
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                value.Append(text[i + 1]);
                i += 2;
            }
            else if (text[i] == '\'')
            {
                i++;
                return value.ToString();
            }
            else
            {
                value.Append(text[i++]);
            }
        }
    }

    /// <summary>An unquoted value: up to the next blank, a backslash taking the next character literally.</summary>
    private static string ReadBareValue(string text, ref int i)
    {
        var value = new StringBuilder();
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }
            value.Append(text[i++]);
        }
        return value.ToString();
    }

    private static void Set(NpgsqlConnectionStringBuilder builder, string key, string value)
    {
        if (value.Length == 0)
        {
            return;
        }
        if (LibpqToNpgsql.TryGetValue(key, out var keyword))
        {
            if (keyword == "SSL Mode")
            {
                value = SslModes.TryGetValue(value, out var mode)
                    ? mode
                    : throw new TransactionEtlException(
                        $"the database URL has sslmode '{value}'; expected one of {string.Join(", ", SslModes.Keys)}");
            }
            if (keyword is "Port" or "Timeout" && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                // The value is not repeated: in postgres://user:password/db (the '@host' forgotten) it is the password.
                throw new TransactionEtlException(
                    $"the database URL has a {key} that is not a whole number; expected e.g. postgres://user:password@host:5432/dbname");
            }
            key = keyword;
        }
        try
        {
            // Anything else may be an Npgsql keyword (Username=..., Pooling=...).
            builder[key] = value;
        }
        catch (ArgumentException ex)
        {
            throw new TransactionEtlException(
                $"the database URL has an unknown parameter '{key}'; expected libpq names such as host, port, dbname, user, password, sslmode",
                ex);
        }
    }
}
