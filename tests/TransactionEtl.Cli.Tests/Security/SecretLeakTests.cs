using System.Globalization;
using Npgsql;
using TransactionEtl.Postgres;
using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests.Security;

/// <summary>
/// The CLI's output on the paths where a password is most likely to slip out: errors about a database URL that
/// holds one (unknown host, wrong password, unparsable parameters), with and without <c>--verbose</c> and
/// <c>--json</c>, a successful run over TCP with the cluster's generated password, and <c>txetl db url</c>.
/// Every byte of stdout and stderr is scanned by <see cref="SecretScanner"/>.
/// </summary>
[Collection(nameof(LocalHomes))]
public sealed class SecretLeakTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IDisposable
{
    private const string UrlPassword = "Url-Pa55word-of-the-leak-test";

    private readonly ScratchDirectory _dir = new("txetl-leak-test-");

    public void Dispose() => _dir.Dispose();

    private string Work => Directory.CreateDirectory(_dir.Path).FullName;

    private static string Sample => Path.Combine(RunTestSupport.SamplesDirectory, "transactions.csv");

    private string ClusterPassword => new NpgsqlConnectionStringBuilder(DatabaseUrl.ToNpgsqlConnectionString(db.Cluster.Postgres.GetTcpUrl())).Password!;

    private int Port => db.Cluster.Postgres.Port!.Value;

    private SecretScanner Scanner() => new SecretScanner()
        .Add("the password in --database-url", UrlPassword)
        .Add("the test cluster's generated superuser password", ClusterPassword);

    private async Task<CliResult> RunScannedAsync(SecretScanner scanner, params string[] args)
    {
        var result = await RunTestSupport.RunAsync(Work, args);
        scanner.AssertClean($"stdout of txetl {string.Join(' ', args.Select(a => a.Length > 60 ? a[..60] + "..." : a))}", result.Stdout);
        scanner.AssertClean($"stderr of txetl {string.Join(' ', args.Select(a => a.Length > 60 ? a[..60] + "..." : a))}", result.Stderr);
        return result;
    }

    public static TheoryData<string> FailingUrls() => new()
    {
        // Unknown host: the DNS error must not quote the URL.
        $"postgres://loader:{UrlPassword}@no-such-host.invalid:5432/txetl",
        // Wrong password against the real cluster (filled in below): PostgreSQL's 28P01 answer.
        $"postgres://postgres:{UrlPassword}@127.0.0.1:PORT/postgres",
        // Parse errors that name the offending part.
        $"host=127.0.0.1 port=PORT user=postgres password={UrlPassword} sslmode=bogus",
        $"host=127.0.0.1 port=PORT user=postgres password='{UrlPassword}",
        $"Host=127.0.0.1;Port=PORT;Username=postgres;Password={UrlPassword};NoSuchKeyword=1",
        $"postgres://postgres:{UrlPassword}@127.0.0.1:not-a-port/postgres",
        // '@host' forgotten: the password is where the port goes (it used to be echoed as "port '...'").
        $"postgres://loader:{UrlPassword}/txetl",
    };

    [Theory]
    [MemberData(nameof(FailingUrls))]
    public async Task Run_with_a_failing_database_url_never_prints_its_password(string url)
    {
        url = url.Replace("PORT", Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var scanner = Scanner();

        var plain = await RunScannedAsync(scanner, "run", "--database-url", url, Sample);
        var verbose = await RunScannedAsync(scanner, "run", "--verbose", "--json", "--database-url", url, Sample);
        var status = await RunScannedAsync(scanner, "db", "status", "--database-url", url);

        // The runs did fail, with a message: a silent failure would make the scan meaningless.
        Assert.Equal(1, plain.ExitCode);
        Assert.Contains("txetl: error:", plain.Stderr);
        Assert.Equal(1, verbose.ExitCode);
        Assert.NotEqual(0, status.ExitCode);
    }

    [Fact]
    public async Task A_successful_run_over_tcp_with_the_generated_password_does_not_print_it()
    {
        var url = db.Cluster.Postgres.GetTcpUrl(db.Database.Name);
        var scanner = Scanner();

        var table = await RunScannedAsync(scanner, "run", "--database-url", url, Sample);
        var json = await RunScannedAsync(scanner, "run", "--json", "--verbose", "--database-url", url, Sample);
        var report = await RunScannedAsync(scanner, "report", "--json", "--database-url", url);

        Assert.Equal(0, table.ExitCode);
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(0, report.ExitCode);
        Assert.Contains("already_loaded", json.Stdout);
    }

    [Fact]
    public async Task Db_url_prints_a_socket_url_without_the_local_password()
    {
        using var home = new ScratchDirectory();
        var environment = new Dictionary<string, string?> { ["TXETL_HOME"] = home.Path };
        try
        {
            // db url creates no cluster (issue 15 item 7): migrate makes one first.
            var migrate = await CliTestHost.RunAsync(environment, Work, "db", "migrate");
            Assert.Equal(0, migrate.ExitCode);
            var url = await CliTestHost.RunAsync(environment, Work, "db", "url");
            Assert.Equal(0, url.ExitCode);
            var password = (await File.ReadAllTextAsync(Path.Combine(home.Path, "superuser.password"))).Trim();
            var scanner = new SecretScanner().Add("the local cluster's generated password", password);
            scanner.AssertClean("stdout of txetl db url", url.Stdout);
            scanner.AssertClean("stderr of txetl db url", url.Stderr);
            scanner.AssertClean("stderr of txetl db migrate", migrate.Stderr);
            var status = await CliTestHost.RunAsync(environment, Work, "db", "status");
            scanner.AssertClean("stdout of txetl db status", status.Stdout);
            // The one command that prints it on purpose (for GUI tools), so the scanner does find it there.
            var tcp = await CliTestHost.RunAsync(environment, Work, "db", "url", "--tcp");
            Assert.NotEmpty(scanner.Find(tcp.Stdout));
        }
        finally
        {
            await CliTestHost.RunAsync(environment, Work, "db", "stop");
        }
    }
}
