using Npgsql;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>
/// One Npgsql data source per container (a connection pool survives between invocations), rebuilt only
/// when the cached secret changed (rotation). Built with <see cref="NpgsqlSlimDataSourceBuilder"/>: the
/// full builder roots every type plugin, which Native AOT would then have to compile in.
/// </summary>
internal sealed class DatabaseConnections(RunEtlOptions options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RdsSecret? _secret;
    private NpgsqlDataSource? _dataSource;

    public async Task<NpgsqlDataSource> GetAsync(RdsSecret secret, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!ReferenceEquals(secret, _secret) || _dataSource is null)
            {
                if (_dataSource is not null)
                {
                    await _dataSource.DisposeAsync();
                }
                _dataSource = Build(ConnectionString(secret, secret.Username, secret.Password, options));
                _secret = secret;
            }
            return _dataSource;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The connection string for <paramref name="server"/> as <paramref name="username"/>, with the configured TLS.</summary>
    public static string ConnectionString(RdsSecret server, string username, string password, RunEtlOptions options) =>
        options.Tls.ConnectionString(server, username, password, "txetl-run-etl");

    public static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        FileLoader.RaiseWriteBufferSize(builder.ConnectionStringBuilder);
        builder.EnableTransportSecurity();
        // The chunked load passes a plan's chunk starts as one bigint[] parameter; the slim builder leaves arrays out.
        builder.EnableArrays();
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        _gate.Dispose();
    }
}
