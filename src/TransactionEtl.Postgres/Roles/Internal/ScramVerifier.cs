using System.Security.Cryptography;
using System.Text;

namespace TransactionEtl.Postgres.Roles.Internal;

/// <summary>
/// The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, PostgreSQL's
/// <c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>). Sending it instead of the password in
/// <c>ALTER ROLE ... PASSWORD</c> is what psql's <c>\password</c> does: the statement, which the server may log
/// (<c>log_statement = ddl</c>), then holds nothing a client could log in with.
/// </summary>
internal static class ScramVerifier
{
    /// <summary>PostgreSQL's default (<c>scram_iterations</c>).</summary>
    public const int DefaultIterations = 4096;

    /// <summary>
    /// PostgreSQL applies SASLprep to the password first. For printable ASCII that is the identity; other
    /// passwords would need the full SASLprep tables to be hashed identically, so the caller keeps them on
    /// the server-side path.
    /// </summary>
    public static bool CanHash(string password) => password.Length > 0 && password.All(c => c is >= ' ' and <= '~');

    public static string Create(string password) => Create(password, RandomNumberGenerator.GetBytes(16), DefaultIterations);

    public static string Create(string password, byte[] salt, int iterations)
    {
        var (storedKey, serverKey) = Keys(password, salt, iterations);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    /// <summary>StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key").</summary>
    internal static (byte[] StoredKey, byte[] ServerKey) Keys(string password, byte[] salt, int iterations)
    {
        if (!CanHash(password))
        {
            throw new ArgumentException("Only printable ASCII passwords are hashed client-side.", nameof(password));
        }
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        return (SHA256.HashData(clientKey), HMACSHA256.HashData(salted, "Server Key"u8));
    }
}
