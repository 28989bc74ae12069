namespace TransactionEtl.Aws.Configuration;

/// <summary>The TLS modes the functions accept for the database; mirrors Npgsql's SslMode names.</summary>
internal enum DbSslMode
{
    /// <summary>No TLS: only for a local test database on loopback.</summary>
    Disable,

    /// <summary>TLS with the server certificate and host name verified against the root certificates.</summary>
    VerifyFull,
}
