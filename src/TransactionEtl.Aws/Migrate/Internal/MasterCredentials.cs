using System.Text.Json;
using TransactionEtl.Aws.Secrets;

namespace TransactionEtl.Aws.Migrate.Internal;

/// <summary>
/// The RDS-managed master secret (<c>manage_master_user_password</c>) holds only <c>username</c> and
/// <c>password</c>; where to connect comes from the loader's secret. <see cref="ToString"/> hides the password.
/// </summary>
internal sealed record MasterCredentials(string Username, string Password)
{
    public static MasterCredentials Parse(string secretId, string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var username = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            var password = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("password", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
            {
                throw new SecretReadException(
                    $"Secret '{secretId}' lacks username or password; the master secret needs both.", isTransient: false);
            }
            return new MasterCredentials(username, password);
        }
        catch (JsonException ex)
        {
            // The parser's message may quote the text, which is the secret: do not chain it.
            throw new SecretReadException(
                $"Secret '{secretId}' is not JSON (line {ex.LineNumber + 1}); expected {{\"username\",\"password\"}}.", isTransient: false);
        }
    }

    public override string ToString() => $"{Username} (password hidden)";
}
