using System.Threading.Channels;

namespace TransactionEtl.Cli.Tests;

/// <summary>
/// A clock for <c>txetl watch</c> whose sleeps between two looks end only when the test says so. Every look at
/// the directory is then an event the test waits for, not a moment it guesses: the test changes a file between
/// two looks, and knows that the next look sees the change. Its time (<see cref="GetUtcNow"/>) moves only when a sleep
/// ends, by the sleep's length, so a quiet period is a number of looks.
/// </summary>
internal sealed class PollClock : TimeProvider
{
    private readonly Channel<Sleep> _sleeps = Channel.CreateUnbounded<Sleep>();

    private long _nowTicks = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _nowTicks), TimeSpan.Zero);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var sleep = new Sleep(callback, state, dueTime, this);
        _sleeps.Writer.TryWrite(sleep);
        return sleep;
    }

    /// <summary>Waits until the watch has ended a look and sleeps; fails if the watch ended instead.</summary>
    public async Task WaitForSleepAsync(Task<CliResult> watch)
    {
        while (true)
        {
            var next = _sleeps.Reader.WaitToReadAsync().AsTask();
            if (await Task.WhenAny(next, watch).WaitAsync(TimeSpan.FromMinutes(2)) == watch)
            {
                var result = await watch;
                Assert.Fail($"watch ended early with {result.ExitCode}: {result.Stdout} {result.Stderr}");
            }
            if (_sleeps.Reader.TryPeek(out var sleep) && !sleep.Disposed)
            {
                return;
            }
            _sleeps.Reader.TryRead(out _); // a sleep cancelled before it ended
        }
    }

    /// <summary>Ends the current sleep and waits for the next one: exactly one more look has happened.</summary>
    public async Task NextLookAsync(Task<CliResult> watch)
    {
        await WaitForSleepAsync(watch);
        Assert.True(_sleeps.Reader.TryRead(out var sleep));
        sleep.Fire();
        await WaitForSleepAsync(watch);
    }

    private sealed class Sleep(TimerCallback callback, object? state, TimeSpan dueTime, PollClock clock) : ITimer
    {
        public bool Disposed { get; private set; }

        public void Fire()
        {
            if (!Disposed)
            {
                Interlocked.Add(ref clock._nowTicks, dueTime.Ticks);
                callback(state);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => !Disposed;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
