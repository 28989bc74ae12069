using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading;

/// <summary>One file to load: where it came from, its bytes, and the rules to apply.</summary>
public sealed class LoadRequest
{
    /// <summary>The source identity (local path or S3 object version) recorded in the ledger.</summary>
    public required SourceIdentity Source { get; init; }

    /// <summary>
    /// The file's bytes, read from start to end; the loader does not dispose it. A seekable stream may be read a
    /// second time from its starting position (see <see cref="OpenContentAgain"/>).
    /// </summary>
    public required Stream Content { get; init; }

    /// <summary>
    /// Opens the same bytes again from the start (e.g. a second S3 GET of the same object version), for a
    /// <see cref="Content"/> that cannot seek. The loader loads a file in one pass straight into the target table
    /// and, only when that pass finds an already stored id (or a repeat past <see cref="InFileKeyBudgetBytes"/>), reads the file a second time through its
    /// staging table. Without a way to read twice (a non-seekable stream and no opener) it goes through the
    /// staging table at once, which is correct but slower. The loader disposes the stream this returns, and
    /// fails the load if its SHA-256 differs from the first pass's.
    /// </summary>
    public Func<CancellationToken, Task<Stream>>? OpenContentAgain { get; init; }

    /// <summary>The contract; the shipped default when not set.</summary>
    public Contract Contract { get; init; } = Contract.Default;

    /// <summary>Overrides the contract's reject threshold for this load (0..1).</summary>
    public decimal? MaxRejectedRatio { get; init; }

    /// <summary>The decompression-bomb guard's size limit for compressed content (<see cref="ProcessingOptions.MaxDecompressedBytes"/>).</summary>
    public long MaxDecompressedBytes { get; init; } = ProcessingOptions.DefaultMaxDecompressedBytes;

    /// <summary>The decompression-bomb guard's ratio limit for compressed content (<see cref="ProcessingOptions.MaxDecompressionRatio"/>).</summary>
    public int MaxDecompressionRatio { get; init; } = ProcessingOptions.DefaultMaxDecompressionRatio;

    /// <summary>
    /// Hashes the content (SHA-256, lower-case hex) without parsing it, e.g. by reading a local file once more.
    /// The loader calls it only when the ledger already has a loaded file from the same source with the same
    /// <see cref="SizeBytes"/>: a file loaded before is then answered without parsing, and a new file is read only
    /// once. Content loaded before from another source is still found, by the hash taken while loading, and the load
    /// is rolled back as <c>already_loaded</c>. The loader fails the load if the hash it takes while loading differs
    /// (the file changed underneath).
    /// </summary>
    public Func<CancellationToken, Task<string>>? HashContentAsync { get; init; }

    /// <summary>
    /// Tells whether the source still holds exactly the bytes loaded, given their SHA-256 (lower-case hex); null when it
    /// does, else what changed ("the size went from 10 to 12 bytes"). The loader asks right before it commits, so a file
    /// written to while it was loaded fails the load with <c>file changed while loading</c> and nothing is committed. A
    /// local file sets it (its size, time and content can change underneath); an S3 object version cannot change.
    /// </summary>
    public Func<string, CancellationToken, Task<string?>>? ConfirmUnchangedAsync { get; init; }

    /// <summary>The content length in bytes when known (recorded in the ledger).</summary>
    public long? SizeBytes { get; init; }

    /// <summary>Default of <see cref="LockTimeout"/>.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long any one lock wait inside the load transaction may last (PostgreSQL <c>lock_timeout</c>): a
    /// session holding a lock on <c>txetl.transactions</c>, or another load's uncommitted rows with the same
    /// keys. Past it the load fails as transient (SQLSTATE 55P03) with nothing stored. Waiting for another
    /// loader of the same source is not bounded by it. <see cref="TimeSpan.Zero"/> waits forever.
    /// </summary>
    public TimeSpan LockTimeout
    {
        get => _lockTimeout;
        init => _lockTimeout = value >= TimeSpan.Zero && value.TotalMilliseconds <= int.MaxValue
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "LockTimeout must be between 0 (no limit) and about 24 days.");
    }

    private readonly TimeSpan _lockTimeout = DefaultLockTimeout;

    /// <summary>
    /// Called as the load moves on: each phase once at its start, the reading phases again after each read with the bytes
    /// read so far (for progress displays; <see cref="LoadProgress"/>). Called on the loading thread: keep it short.
    /// </summary>
    public Action<LoadProgress>? Progress { get; init; }

    /// <summary>
    /// Default of <see cref="InFileKeyBudgetBytes"/>: 8 MiB, room for about 80,000 ids of 12 characters. Small on
    /// purpose: the loader's memory must not follow the file's size (RunEtl's large-object test holds it to half the
    /// object's size), and the ids a file repeats are mostly early ones, which the set keeps whatever comes after.
    /// </summary>
    public const long DefaultInFileKeyBudgetBytes = 8L * 1024 * 1024;

    /// <summary>
    /// Memory the direct path may spend on remembering the file's ids (an estimate per id: its characters plus the
    /// dictionary's overhead), so that an id repeated within the file is rejected as <c>primary-key</c> in the same pass,
    /// exactly as the staging path would. Past the budget no more ids are remembered: a repeat of one of those makes the
    /// COPY fail on the primary key and the load falls back to staging, reading the file again, as it did before. 0 turns
    /// the check off (every repeat falls back). Memory: see docs/performance.md.
    /// </summary>
    public long InFileKeyBudgetBytes
    {
        get => _inFileKeyBudgetBytes;
        init => _inFileKeyBudgetBytes = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "InFileKeyBudgetBytes must be 0 (off) or more.");
    }

    private readonly long _inFileKeyBudgetBytes = DefaultInFileKeyBudgetBytes;

    /// <summary>Tells <see cref="Progress"/> that <paramref name="phase"/> starts (a phase without a count).</summary>
    internal void Report(LoadPhase phase) => Progress?.Invoke(new LoadProgress(phase, 0, null));

    /// <summary>
    /// The engine's options for a reading phase: duplicates are found by the loader (the direct path's key set or the
    /// staging table's SQL), not by the engine; bytes read are reported as <paramref name="phase"/>.
    /// </summary>
    internal ProcessingOptions EngineOptions(LoadPhase phase)
    {
        var progress = Progress;
        var total = SizeBytes;
        progress?.Invoke(new LoadProgress(phase, 0, total));
        return new ProcessingOptions
        {
            Contract = Contract,
            DetectDuplicatesInMemory = false,
            MaxRejectedRatio = MaxRejectedRatio,
            MaxDecompressedBytes = MaxDecompressedBytes,
            MaxDecompressionRatio = MaxDecompressionRatio,
            Progress = progress is null ? null : read => progress(new LoadProgress(phase, read, total)),
        };
    }
}
