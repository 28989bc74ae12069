using System.Diagnostics;
using System.Globalization;
using TransactionEtl.Core;

// Usage: dotnet bench/ChunkPlan/bin/Release/net10.0/ChunkPlan.dll TEMPLATE.csv GIB[,GIB...] CHUNK_MIB[,CHUNK_MIB...]
// Makes a file of each size in /tmp by repeating TEMPLATE's data rows under its header (the last record may be
// cut), prints the chunk plan for each chunk size as a Markdown table row, and deletes the file. The planner reads
// through a FileStream range reader, as a chunk worker would read through S3 ranged GETs.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: ChunkPlan TEMPLATE.csv GIB[,GIB...] CHUNK_MIB[,CHUNK_MIB...]");
    return 1;
}
byte[] template = File.ReadAllBytes(args[0]);
int headerEnd = Array.IndexOf(template, (byte)'\n') + 1;
var options = new ProcessingOptions { Contract = Contract.Default };
Console.WriteLine("| file | target chunk | chunks | smallest / largest chunk | bytes scanned | share of file | speculative / sequential boundaries | planning time |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (var gib in args[1].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)))
{
    long length = (long)(gib * (1L << 30));
    string path = Path.Combine(Path.GetTempPath(), $"chunkplan-{Environment.ProcessId}-{gib}.csv");
    try
    {
        Write(path, template, headerEnd, length);
        foreach (var mib in args[2].Split(',').Select(long.Parse))
        {
            ByteRangeReader read = (offset, count, _) =>
            {
                var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                file.Seek(offset, SeekOrigin.Begin);
                return Task.FromResult<Stream>(file);
            };
            var clock = Stopwatch.StartNew();
            var plan = await ChunkPlanner.PlanAsync(length, read, options, mib << 20, CancellationToken.None);
            clock.Stop();
            var sizes = plan.Chunks.Select(c => c.Length).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {gib} GiB | {mib} MiB | {plan.Chunks.Count} | {Mib(sizes.Min())} / {Mib(sizes.Max())} | {plan.BytesScanned:N0} B | {100.0 * plan.BytesScanned / length:F4} % | {plan.SpeculativeBoundaries} / {plan.SequentialBoundaries} | {clock.Elapsed.TotalMilliseconds:F0} ms |"));
        }
    }
    finally
    {
        File.Delete(path);
    }
}
return 0;

static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F3} MiB");

static void Write(string path, byte[] template, int headerEnd, long length)
{
    using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
    output.Write(template, 0, headerEnd);
    long written = headerEnd;
    var body = template.AsSpan(headerEnd);
    while (written < length)
    {
        int take = (int)Math.Min(body.Length, length - written);
        output.Write(body[..take]);
        written += take;
    }
}
