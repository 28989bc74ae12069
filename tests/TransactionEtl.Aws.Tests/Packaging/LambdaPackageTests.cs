using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using TransactionEtl.Aws.Tests.Loopback;
using Xunit.Abstractions;

namespace TransactionEtl.Aws.Tests.Packaging;

/// <summary>The deployable zips from scripts/package-lambda.sh, and the AOT bootstrap in them run for real.</summary>
public sealed partial class LambdaPackageTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Functions = ["start-workflow", "run-etl", "notify-chat", "migrate"];

    // The functions that connect to the database, and so carry the RDS CA bundle.
    private static readonly string[] DatabaseFunctions = ["run-etl", "migrate"];
    private readonly string _work = Directory.CreateTempSubdirectory("txetl-lambda-").FullName;

    private static string Artifacts => Environment.GetEnvironmentVariable(PackagedFactAttribute.Variable)!;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [PackagedFact]
    public void Each_zip_holds_one_executable_bootstrap_at_its_root_and_all_hold_the_same_binary()
    {
        var hashes = new List<string>();
        foreach (var function in Functions)
        {
            using var zip = ZipFile.OpenRead(Path.Combine(Artifacts, function + ".zip"));
            var entry = Assert.Single(zip.Entries, e => e.FullName == "bootstrap");
            var mode = (entry.ExternalAttributes >> 16) & 0x1FF;
            Assert.True((mode & 0x49) == 0x49, $"{function}.zip: bootstrap mode {Convert.ToString(mode, 8)} is not executable for all");
            using var stream = entry.Open();
            hashes.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream)));
        }
        Assert.Single(hashes.Distinct());
    }

    [PackagedFact]
    public void The_CA_bundle_given_to_the_packaging_command_is_in_run_etl_and_migrate_zips_only_where_TXETL_DB_ROOT_CERT_points()
    {
        var given = Environment.GetEnvironmentVariable("TXETL_LAMBDA_CA_BUNDLE");
        Assert.False(string.IsNullOrEmpty(given), "scripts/test.d/20-lambda-package.sh sets TXETL_LAMBDA_CA_BUNDLE to the bundle it packaged");
        foreach (var function in Functions)
        {
            using var zip = ZipFile.OpenRead(Path.Combine(Artifacts, function + ".zip"));
            var names = zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToList();
            if (!DatabaseFunctions.Contains(function))
            {
                Assert.Equal(["bootstrap"], names);
                continue;
            }
            // Terraform's default TXETL_DB_ROOT_CERT is /var/task/global-bundle.pem: the zip root.
            Assert.Equal(["bootstrap", "global-bundle.pem"], names);
            using var pem = new StreamReader(zip.GetEntry("global-bundle.pem")!.Open());
            Assert.Equal(File.ReadAllText(given), pem.ReadToEnd());
        }
    }

    [PackagedFact]
    public async Task The_x64_bootstrap_needs_no_glibc_newer_than_2_34()
    {
        var bootstrap = Extract("start-workflow");
        var (exit, stdout, _) = await RunAsync("objdump", "-T", bootstrap);
        Assert.Equal(0, exit);
        Assert.Contains("elf64-x86-64", stdout);

        var versions = GlibcVersion().Matches(stdout).Select(m => new Version(m.Groups[1].Value)).Distinct().Order().ToList();

        Assert.NotEmpty(versions); // it does link glibc dynamically; an empty list would mean the check saw nothing
        output.WriteLineIfPossible($"glibc versions required: {string.Join(", ", versions)}");
        Assert.True(versions[^1] <= new Version(2, 34), $"needs GLIBC_{versions[^1]}; Amazon Linux 2023 has 2.34");
    }

    [PackagedFact]
    public async Task The_bootstrap_serves_a_start_workflow_invocation_from_the_runtime_api_end_to_end()
    {
        await using var runtime = new LoopbackRuntimeApi();
        await using var sfn = new LoopbackStepFunctions();
        var bootstrap = Extract("start-workflow");
        var trace = "Root=1-6745c0de-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1";
        runtime.Enqueue("e2e-1", File.ReadAllText(Path.Combine("Data", "events", "s3-put-key-with-plus.json")), traceId: trace,
            functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:txetl-start-workflow");

        var started = DateTimeOffset.UtcNow;
        using var process = Start(bootstrap, new()
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtime.HostPort,
            ["_HANDLER"] = "start-workflow",
            ["TXETL_STATE_MACHINE_ARN"] = "arn:aws:states:eu-west-1:123456789012:stateMachine:txetl-load",
            ["AWS_REGION"] = LoopbackStepFunctions.Region,
            ["AWS_ENDPOINT_URL_SFN"] = sfn.Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = LoopbackStepFunctions.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = LoopbackStepFunctions.SecretKey,
            ["AWS_SESSION_TOKEN"] = LoopbackStepFunctions.SessionToken,
        });
        try
        {
            var firstNext = await runtime.FirstNext.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var report = await runtime.NextReportAsync(TimeSpan.FromSeconds(60));

            output.WriteLineIfPossible($"cold start (process start -> first /next): {(firstNext - started).TotalMilliseconds:0} ms");
            Assert.True(report.Kind == RuntimeReportKind.Response, $"{report.Kind} {report.ErrorType}: {report.Body}");
            Assert.Equal("e2e-1", report.RequestId);
            var execution = JsonDocument.Parse(report.Body).RootElement.GetProperty("executions")[0];
            Assert.Equal("incoming/eur+usd rates.csv", execution.GetProperty("key").GetString());

            var request = Assert.Single(sfn.Requests);
            Assert.True(request.SignatureValid);
            Assert.Equal("AWSStepFunctions.StartExecution", request.Headers["X-Amz-Target"]);
            Assert.Equal(LoopbackStepFunctions.SessionToken, request.Headers["X-Amz-Security-Token"]);
            Assert.Single(sfn.Executions);
        }
        finally
        {
            await StopAsync(process);
        }
        var logs = await process.StandardOutput.ReadToEndAsync();
        output.WriteLineIfPossible(logs);
        var lines = logs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // The structured logger writes the header's Root= part, the id the X-Ray console searches for.
        Assert.Contains(lines, l => l.TryGetProperty("trace_id", out var t) && t.GetString() == "1-6745c0de-0123456789abcdef01234567");
        Assert.All(lines, l => Assert.Equal("start-workflow", l.GetProperty("function").GetString()));
        Assert.DoesNotContain(LoopbackStepFunctions.SecretKey, logs);
    }

    [PackagedFact]
    public async Task The_bootstrap_reports_an_init_error_for_an_unknown_handler()
    {
        await using var runtime = new LoopbackRuntimeApi();
        var bootstrap = Extract("run-etl");
        using var process = Start(bootstrap, new() { ["AWS_LAMBDA_RUNTIME_API"] = runtime.HostPort, ["_HANDLER"] = "run-etl-typo" });
        try
        {
            var report = await runtime.NextReportAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(RuntimeReportKind.InitError, report.Kind);
            Assert.Equal("TransactionEtl.ConfigurationError", report.ErrorType);
            Assert.Contains("Unknown function 'run-etl-typo'", JsonDocument.Parse(report.Body).RootElement.GetProperty("errorMessage").GetString());
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the bootstrap should exit after an init error");
            Assert.Equal(1, process.ExitCode);
        }
        finally
        {
            await StopAsync(process);
        }
    }

    private string Extract(string function) => Extract(_work, function);

    /// <summary>Unzips <paramref name="function"/>'s zip into <paramref name="work"/> and returns the bootstrap's path.</summary>
    internal static string Extract(string work, string function)
    {
        var target = Path.Combine(work, function);
        ZipFile.ExtractToDirectory(Path.Combine(Artifacts, function + ".zip"), target);
        var bootstrap = Path.Combine(target, "bootstrap");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bootstrap, File.GetUnixFileMode(bootstrap) | UnixFileMode.UserExecute);
        }
        return bootstrap;
    }

    internal static Process Start(string bootstrap, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(bootstrap)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A clean environment, as Lambda gives: nothing of the test host's AWS settings leaks in.
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/bin:/bin";
        info.Environment["HOME"] = Path.GetTempPath();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        return Process.Start(info)!;
    }

    internal static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
        }
        await process.WaitForExitAsync();
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"GLIBC_([0-9]+(?:\.[0-9]+)+)")]
    private static partial Regex GlibcVersion();
}

internal static class TestOutputExtensions
{
    public static void WriteLineIfPossible(this ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // No test is active (shouldn't happen); the measurement is informative only.
        }
    }
}
