using TransactionEtl.Testing;

namespace TransactionEtl.Cli.Tests;

public sealed class SampleCommandTests : IDisposable
{
    private readonly ScratchDirectory _dir = new("txetl-sample-test-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Same_seed_writes_the_same_bytes_and_rows_count_data_lines()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;

        var a = await RunTestSupport.RunAsync(work, "sample", "--rows", "2000", "--seed", "9", "--fault-rate", "0.05", "a.csv");
        var b = await RunTestSupport.RunAsync(work, "sample", "--rows", "2000", "--seed", "9", "--fault-rate", "0.05", "b.csv");
        var c = await RunTestSupport.RunAsync(work, "sample", "--rows", "2000", "--seed", "10", "c.csv");

        Assert.Equal(0, a.ExitCode);
        Assert.Equal(0, b.ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(work, "a.csv")), File.ReadAllBytes(Path.Combine(work, "b.csv")));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(work, "a.csv")), File.ReadAllBytes(Path.Combine(work, "c.csv")));
        var lines = File.ReadAllLines(Path.Combine(work, "c.csv"));
        Assert.Equal(2001, lines.Length);
        Assert.StartsWith("transaction_id,timestamp,", lines[0]);
    }

    [Fact]
    public async Task Writes_into_a_directory_that_does_not_exist_yet_by_creating_it()
    {
        var work = Directory.CreateDirectory(_dir.Path).FullName;

        var result = await RunTestSupport.RunAsync(work, "sample", "--rows", "10", Path.Combine("out", "new", "x.csv"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Equal(11, File.ReadAllLines(Path.Combine(work, "out", "new", "x.csv")).Length);
    }

    [Theory]
    [InlineData("--fault-rate", "1.5")]
    [InlineData("--rows", "-1")]
    public async Task Out_of_range_options_exit_64(string option, string value)
    {
        var result = await RunTestSupport.RunAsync(Directory.CreateDirectory(_dir.Path).FullName, "sample", option, value, "x.csv");

        Assert.Equal(64, result.ExitCode);
        Assert.NotEqual("", result.Stderr);
    }
}
