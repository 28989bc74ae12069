using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// <c>txetl run</c> begins its connection before it loads the contract (<c>DataSourceOpening</c>); what the command
/// reports, and what it leaves behind, must be what it was when the connection followed the contract.
/// </summary>
public sealed class DataSourceOpeningTests
{
    private const string RefusingUrl = "postgres://nobody@127.0.0.1:1/none";

    [Fact]
    public async Task An_invalid_contract_is_the_error_reported_even_when_the_database_refuses_connections()
    {
        using var work = new ScratchDirectory();
        var (contract, file) = BrokenContractAndFile(work);

        var result = await RunTestSupport.RunAsync(work.Path, "run", "--database-url", RefusingUrl, "--contract", contract, file);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("txetl: error:", result.Stderr);
        Assert.Contains("broken.contract.json", result.Stderr);
        Assert.DoesNotContain("connect", result.Stderr);
    }

    [Fact]
    public async Task A_missing_file_is_the_error_reported_even_when_the_database_refuses_connections()
    {
        using var work = new ScratchDirectory();

        var result = await RunTestSupport.RunAsync(work.Path, "run", "--database-url", RefusingUrl, "does-not-exist.csv");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("txetl: error: does-not-exist.csv: no such file", result.Stderr);
    }

    [Fact]
    public async Task A_refused_connection_is_reported_after_the_contract_loaded()
    {
        using var work = new ScratchDirectory();
        var (_, file) = BrokenContractAndFile(work);

        var result = await RunTestSupport.RunAsync(work.Path, "run", "--database-url", RefusingUrl, file);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("txetl: error: cannot connect to the database to migrate it:", result.Stderr);
    }

    [Fact]
    public async Task An_invalid_contract_creates_no_local_cluster()
    {
        using var home = new ScratchDirectory();
        using var work = new ScratchDirectory();
        var (contract, file) = BrokenContractAndFile(work);

        var result = await DbCommandTests.RunAsync(home, "run", "--contract", contract, file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("broken.contract.json", result.Stderr);
        Assert.DoesNotContain("created a local PostgreSQL", result.Stderr);
        Assert.False(Directory.Exists(home.Path) && Directory.EnumerateFileSystemEntries(home.Path).Any(), "the home was written to");
    }

    /// <summary>A contract that is not JSON and a one-line CSV file, in <paramref name="work"/>.</summary>
    private static (string Contract, string File) BrokenContractAndFile(ScratchDirectory work)
    {
        Directory.CreateDirectory(work.Path);
        var contract = Path.Combine(work.Path, "broken.contract.json");
        File.WriteAllText(contract, "{ not json");
        var file = Path.Combine(work.Path, "x.csv");
        File.WriteAllText(file, "a\n");
        return (contract, file);
    }
}
