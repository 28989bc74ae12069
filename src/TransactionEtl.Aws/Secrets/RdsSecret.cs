using System.Text.Json;
using TransactionEtl.Aws.Secrets.Internal;

namespace TransactionEtl.Aws.Secrets;

/// <summary>
/// Database connection settings in the JSON shape RDS and Secrets Manager rotation use:
/// <c>{"host":..,"port":5432,"username":..,"password":..,"dbname":..}</c>.
/// <see cref="ToString"/> never shows the password.
/// </summary>
internal sealed class RdsSecret
{
    /// <summary>The port PostgreSQL listens on when the secret names none.</summary>
    public const int DefaultPort = 5432;

    private RdsSecret(string host, int port, string username, string password, string database)
    {
        Host = host;
        Port = port;
        Username = username;
        Password = password;
        Database = database;
    }

    /// <summary>Database host name (the RDS endpoint; TLS verifies it).</summary>
    public string Host { get; }

    /// <summary>Database port.</summary>
    public int Port { get; }

    /// <summary>Login role.</summary>
    public string Username { get; }

    /// <summary>Login password.</summary>
    public string Password { get; }

    /// <summary>Database name (<c>dbname</c> in the secret).</summary>
    public string Database { get; }

    /// <summary>Parses a secret's JSON text; the error names the secret and the missing field, never a value.</summary>
    /// <exception cref="SecretReadException">Not JSON, or host/username/password/dbname missing, or port not a number.</exception>
    public static RdsSecret Parse(string secretId, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        RdsSecretDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, SecretsJsonContext.Default.RdsSecretDocument);
        }
        catch (JsonException ex)
        {
            // The exception's message may quote the text, and the text is the secret: do not chain it.
            throw new SecretReadException(
                $"Secret '{secretId}' is not the RDS JSON shape (line {ex.LineNumber + 1}, position {ex.BytePositionInLine}); expected {{\"host\",\"port\",\"username\",\"password\",\"dbname\"}}.",
                isTransient: false);
        }
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(doc?.Host)) missing.Add("host");
        if (string.IsNullOrWhiteSpace(doc?.Username)) missing.Add("username");
        if (string.IsNullOrEmpty(doc?.Password)) missing.Add("password");
        if (string.IsNullOrWhiteSpace(doc?.DbName)) missing.Add("dbname");
        if (missing.Count > 0 || doc is null)
        {
            throw new SecretReadException(
                $"Secret '{secretId}' lacks {string.Join(", ", missing)}; an RDS secret needs host, port, username, password and dbname.",
                isTransient: false);
        }
        var port = doc.Port ?? DefaultPort;
        if (port is < 1 or > 65535)
        {
            throw new SecretReadException($"Secret '{secretId}' has port {port}; expected 1-65535.", isTransient: false);
        }
        return new RdsSecret(doc.Host!, port, doc.Username!, doc.Password!, doc.DbName!);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Username}@{Host}:{Port}/{Database} (password hidden)";
}
