using Spectre.Console;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// One file's load on a live progress display: a labelled line per phase ("big.csv: reading", "big.csv: committing"),
/// added when the phase starts and filled when the next one does. A phase never reuses another's line, so a bar
/// never goes backwards, also when the direct COPY falls back and the file is read again.
/// </summary>
/// <remarks>Called on the loading thread; Spectre's tasks take their own lock for the renderer's thread.</remarks>
internal sealed class PhaseProgress(ProgressContext context, string shownFile)
{
    private ProgressTask? _task;
    private LoadPhase? _phase;

    public void Report(LoadProgress progress)
    {
        if (_phase != progress.Phase)
        {
            Finish();
            _phase = progress.Phase;
            _task = context.AddTask($"{Visible.Markup(shownFile)}: {progress.Label}", maxValue: Math.Max(1, progress.Total ?? 1));
            _task.IsIndeterminate = progress.Total is null;
        }

        if (progress.Total is not null && _task is { } task && progress.Done > task.Value)
        {
            task.Value = Math.Min(progress.Done, task.MaxValue);
        }
    }

    /// <summary>Fills the current phase's line: the phase ended (the next began, or the load did).</summary>
    public void Finish()
    {
        if (_task is { } task)
        {
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
        }
    }
}
