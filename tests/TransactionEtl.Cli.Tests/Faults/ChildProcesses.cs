using System.Diagnostics;

namespace TransactionEtl.Cli.Tests.Faults;

/// <summary>The <c>txetl</c> processes a test started: killed and disposed at the end, whatever happened.</summary>
internal sealed class ChildProcesses : IAsyncDisposable
{
    private readonly List<Process> _processes = [];

    public Process Start(params string[] args)
    {
        var process = CliTestHost.StartProcess(null, null, args);
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }
}
