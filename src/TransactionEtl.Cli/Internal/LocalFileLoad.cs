using System.Diagnostics;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Internal;

/// <summary>Loads one local file for <c>run</c> and <c>watch</c>, turning a failure into a <c>failed</c> summary.</summary>
internal static class LocalFileLoad
{
    private const int BufferSize = 1 << 16;

    public static Task<FileSummary> LoadAsync(
        FileLoader loader, string path, string fullPath, Contract contract, LoadSettings settings, Action<LoadProgress>? progress,
        CancellationToken cancellationToken) =>
        LoadAsync(loader.LoadAsync, path, fullPath, contract, settings, progress, cancellationToken);

    /// <summary>As above, with the request handed to <paramref name="load"/> (the single-stream loader, or a chunked load).</summary>
    public static async Task<FileSummary> LoadAsync(
        Func<LoadRequest, CancellationToken, Task<FileSummary>> load, string path, string fullPath, Contract contract, LoadSettings settings,
        Action<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
            await using (file)
            {
                var looked = DateTime.UtcNow; // before the stamps, as InodeStamp.SettledMargin needs
                var opened = FileStamp.Of(file);
                var settled = InodeStamp.SettledOf(file.SafeFileHandle, looked);
                var summary = await load(new LoadRequest
                {
                    Source = path == StandardInput.Name ? SourceIdentity.ForStandardInput() : SourceIdentity.ForLocalFile(fullPath),
                    Content = new InlineReadStream(file),
                    Contract = contract,
                    MaxRejectedRatio = settings.MaxRejectedRatio,
                    MaxDecompressedBytes = settings.MaxDecompressedBytes,
                    MaxDecompressionRatio = settings.MaxDecompressionRatio,
                    LockTimeout = settings.LockTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : LoadRequest.DefaultLockTimeout,
                    // Asked for only when this path was loaded before with the same size: a rerun is then answered
                    // without parsing, and a new file is read once (the hash pass cost ~4 % of a load's time).
                    HashContentAsync = ct => FileSha256.OfAsync(fullPath, ct),
                    ConfirmUnchangedAsync = (sha256, ct) => ConfirmUnchangedAsync(fullPath, opened, settled, sha256, ct),
                    SizeBytes = file.Length,
                    Progress = progress,
                }, cancellationToken);
                return summary with { File = path };
            }
        }
        catch (TransactionEtlException ex)
        {
            return Failed(path, ex.Message, started) with { FileId = ex.FileId };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(path, $"{path}: cannot read the file: {ex.Message}", started);
        }
    }

    /// <summary>
    /// The exit code of a set of summaries: 1 if any failed, else 2 if any was rejected (or, with
    /// <paramref name="failOnRejects"/>, has any rejected row), else 0.
    /// </summary>
    public static int ExitCode(IReadOnlyCollection<FileSummary> summaries, bool failOnRejects = false) =>
        summaries.Any(s => s.Status == FileStatus.Failed) ? ExitCodes.Failure
        : summaries.Any(s => s.Status == FileStatus.Rejected || (failOnRejects && s.RowsRejected > 0)) ? ExitCodes.Rejected
        : ExitCodes.Ok;

    /// <summary>A <c>failed</c> summary for <paramref name="path"/>, timed from <paramref name="started"/>.</summary>
    public static FileSummary Failed(string path, string message, long started) => new()
    {
        File = path,
        Status = FileStatus.Failed,
        Sha256 = "",
        DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        Error = message,
    };

    /// <summary>
    /// Null when the file at <paramref name="path"/> still has the size and time it had when opened and the bytes loaded;
    /// else what changed. Size and time first, as they cost nothing. Then, for a file whose ctime had settled when it was
    /// opened (<paramref name="settled"/>, <see cref="InodeStamp"/>), an equal statx stamp: ctime, inode and device too.
    /// Otherwise the hash, because a time can be set back (<c>cp -p</c>, <c>rsync -t</c>, <c>touch -d</c>) over new content
    /// of the same size: a changed ctime (a chmod, a rename, such a rewrite), a file written less than 2 s before the
    /// load, another file system, or no statx. The hash reads the file once more (about 0.15 s per million rows, from the
    /// page cache), docs/performance.md.
    /// </summary>
    internal static async Task<string?> ConfirmUnchangedAsync(
        string path, FileStamp opened, InodeStamp? settled, string sha256, CancellationToken cancellationToken)
    {
        if (FileStamp.Of(path) is var now && now != opened)
        {
            return opened.Difference(now);
        }

        if (settled is { } before && InodeStamp.Of(path) == before)
        {
            return null;
        }

        var current = await FileSha256.OfAsync(path, cancellationToken);
        return string.Equals(current, sha256, StringComparison.Ordinal)
            ? null
            : $"the content's SHA-256 is now {current}, not that of the bytes loaded, {sha256}";
    }
}
