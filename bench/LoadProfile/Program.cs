using System.Diagnostics;
using System.Globalization;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

// Usage: dotnet bench/LoadProfile/bin/Release/net10.0/LoadProfile.dll FILE.csv [DATABASE_URL]
// Where the time of a load goes. Runs the engine alone (read, validate, normalize, tax; rows dropped) until
// the JIT is warm, then, given a database, the full loader on the same file (truncating the tables first),
// then the engine again. With log_min_duration_statement = 0 on the server, its log splits the load into
// COPY to staging, duplicate marking, INSERT .. SELECT and COMMIT.
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: LoadProfile FILE.csv [NPGSQL_CONNECTION_STRING]");
    return 1;
}

await EngineOnlyAsync(args[0], 3);
if (args.Length == 2)
{
    await using var dataSource = NpgsqlDataSource.Create(args[1]);
    await using (var truncate = dataSource.CreateCommand("TRUNCATE txetl.transactions, txetl.rejected_rows, txetl.ingestion_files CASCADE; CHECKPOINT"))
    {
        await truncate.ExecuteNonQueryAsync();
    }

    var watch = Stopwatch.StartNew();
    var cpu = Environment.CpuUsage.TotalTime;
    await using var stream = File.OpenRead(args[0]);
    var summary = await new FileLoader(dataSource).LoadAsync(
        new LoadRequest { Source = SourceIdentity.ForLocalFile(args[0]), Content = stream }, CancellationToken.None);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"full load: {summary.Status} {summary.RowsLoaded} rows in {watch.Elapsed.TotalSeconds:0.00} s, client CPU {(Environment.CpuUsage.TotalTime - cpu).TotalSeconds:0.00} s"));
    await EngineOnlyAsync(args[0], 1);
}

return 0;

static async Task EngineOnlyAsync(string path, int times)
{
    for (var i = 0; i < times; i++)
    {
        var watch = Stopwatch.StartNew();
        var cpu = Environment.CpuUsage.TotalTime;
        await using var stream = File.OpenRead(path);
        var result = await FileProcessor.ProcessAsync(stream, new DroppingSink(), new ProcessingOptions(), CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine only: {result.RowsTotal} rows in {watch.Elapsed.TotalSeconds:0.00} s = {result.RowsTotal / watch.Elapsed.TotalSeconds:0} rows/s, CPU {(Environment.CpuUsage.TotalTime - cpu).TotalSeconds:0.00} s"));
    }
}

internal sealed class DroppingSink : IRowSink
{
    public ValueTask AcceptAsync(ValidRow row, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask RejectAsync(RejectedRow row, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
