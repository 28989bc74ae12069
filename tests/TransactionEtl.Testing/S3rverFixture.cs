using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace TransactionEtl.Testing;

/// <summary>
/// A real S3-compatible server for tests: npm <c>s3rver</c> (tools/node, installed by scripts/test.sh)
/// on 127.0.0.1 and a port the OS gives it (bound once, by the server itself), storing in a temporary directory removed on dispose. Use as an
/// <c>IClassFixture</c>. s3rver accepts SigV4 with access key and secret <c>S3RVER</c>.
/// </summary>
public sealed partial class S3rverFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "txetl-s3rver-" + Guid.NewGuid().ToString("N"));
    private Process? _process;
    private readonly System.Text.StringBuilder _stderr = new();

    /// <summary>The server's base URL, e.g. http://127.0.0.1:43121/.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The credentials s3rver accepts.</summary>
    public AWSCredentials Credentials { get; } = new BasicAWSCredentials("S3RVER", "S3RVER");

    /// <summary>The environment a function would see: AWS_ENDPOINT_URL_S3 pointing here.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["AWS_ENDPOINT_URL_S3"] = Endpoint.ToString(),
        ["AWS_REGION"] = "us-east-1",
    };

    private static string Script => Path.Combine(RepositoryRoot.Path, "tools", "node", "node_modules", "s3rver", "bin", "s3rver.js");

    private static string ExitWithParent => Path.Combine(RepositoryRoot.Path, "tools", "node", "exit-with-parent.js");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var script = Script;
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{script} is missing; run `npm ci --prefix tools/node` (scripts/test.sh does).");
        }
        Directory.CreateDirectory(_directory);
        // Port 0: the server binds a port the OS picks and keeps it, and says which on stdout. A port probed free
        // here and bound later by the server could be taken in between by another test's server, which the
        // readiness check would then have mistaken for this one.
        await StartAsync(script, () => 0, attempts: 3, pause: TimeSpan.Zero);
    }

    /// <summary>Kills the server (SIGKILL: open responses are cut mid-body), keeping its stored objects.</summary>
    public void Stop() => Kill();

    /// <summary>Starts the server again after <see cref="Stop"/>, on the same port and with the same objects.</summary>
    public Task StartAgainAsync()
    {
        var script = Script;
        var port = Endpoint.Port;
        // The old socket may hold the port for a moment after the kill.
        return StartAsync(script, () => port, attempts: 10, pause: TimeSpan.FromMilliseconds(500));
    }

    private async Task StartAsync(string script, Func<int> port, int attempts, TimeSpan pause)
    {
        for (var attempt = 1; ; attempt++)
        {
            var candidate = port();
            if (await TryStartAsync(script, candidate) is { } listening)
            {
                Endpoint = new Uri($"http://127.0.0.1:{listening}/");
                return;
            }
            Kill();
            if (attempt == attempts)
            {
                string err;
                lock (_stderr) { err = _stderr.ToString(); }
                throw new InvalidOperationException($"s3rver did not listen on 127.0.0.1:{candidate} after {attempts} tries: {err}");
            }
            await Task.Delay(pause);
        }
    }

    /// <summary>Starts the server on <paramref name="port"/> (0: any) and returns the port it listens on, or null if it exited.</summary>
    private async Task<int?> TryStartAsync(string script, int port)
    {
        var psi = new ProcessStartInfo("node")
        {
            // exit-with-parent.js ends the server when this process's end of its stdin closes, so a test process
            // that ends without disposing the fixture leaves no server behind.
            ArgumentList = { "--require", ExitWithParent, script, "--directory", _directory, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--address", "127.0.0.1", "--silent" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // s3rver's CLI prints this line (even with --silent) once its server listens.
        var listening = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetResult(null); // stdout closed: the server exited without listening
            }
            else if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        return await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^S3rver listening on 127\.0\.0\.1:([0-9]+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningLine();

    /// <summary>A client for this server the way the functions build theirs (path style, no chunked uploads).</summary>
    public IAmazonS3 CreateClient() =>
        new AmazonS3Client(Credentials, new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    /// <summary>Creates a bucket with a fresh name and returns the name.</summary>
    public async Task<string> CreateBucketAsync(string prefix = "bucket")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        using var s3 = CreateClient();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>Puts a small object (UseChunkEncoding off: s3rver does not accept aws-chunked bodies).</summary>
    public async Task<PutObjectResponse> PutAsync(string bucket, string key, byte[] content)
    {
        using var s3 = CreateClient();
        using var body = new MemoryStream(content);
        return await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, UseChunkEncoding = false });
    }

    /// <summary>Reads a whole (small) object, or null when it does not exist.</summary>
    public async Task<byte[]?> GetAsync(string bucket, string key)
    {
        using var s3 = CreateClient();
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy);
            return copy.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a dying server; the OS temp cleaner gets it.
        }
        return Task.CompletedTask;
    }

    private void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        _process = null;
    }
}
