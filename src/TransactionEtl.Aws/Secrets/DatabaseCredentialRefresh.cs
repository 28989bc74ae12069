using Microsoft.Extensions.Logging;
using Npgsql;
using TransactionEtl.Aws.Observability;

namespace TransactionEtl.Aws.Secrets;

/// <summary>
/// The rotation case: the cached RDS secret is stale once Secrets Manager rotates the password, and the
/// database answers SQLSTATE 28P01 (invalid_password). Then the secret is read again and the work is
/// retried once; a second refusal is a real configuration problem and surfaces unchanged.
/// </summary>
internal static class DatabaseCredentialRefresh
{
    /// <summary>Runs <paramref name="work"/> with the cached credentials, re-reading them once on 28P01.</summary>
    /// <param name="secret">The cached database secret.</param>
    /// <param name="work">Opens connections with the given credentials and does the work.</param>
    /// <param name="logger">For the re-read line.</param>
    /// <param name="cancellationToken">Forwarded to the secret read and the work.</param>
    public static async Task<TResult> RunAsync<TResult>(
        CachedSecret<RdsSecret> secret, Func<RdsSecret, CancellationToken, Task<TResult>> work,
        ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(logger);
        var credentials = await secret.GetAsync(cancellationToken);
        try
        {
            return await work(credentials, cancellationToken);
        }
        catch (Exception ex) when (IsAuthenticationFailure(ex))
        {
            logger.SecretRotationRetry(secret.SecretId);
            secret.Invalidate($"database refused the credentials (SQLSTATE {PostgresErrorCodes.InvalidPassword})");
        }
        var fresh = await secret.GetAsync(cancellationToken);
        return await work(fresh, cancellationToken);
    }

    /// <summary>True when <paramref name="exception"/> or one of its inner exceptions is a PostgreSQL invalid_password error.</summary>
    public static bool IsAuthenticationFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.InvalidPassword })
            {
                return true;
            }
        }
        return false;
    }
}
