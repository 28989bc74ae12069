using System.Diagnostics;
using System.IO.Compression;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// Loads a local file for <c>run</c>: a ZIP archive (found by its first bytes, never an .xlsx) as one file per CSV
/// member, named <c>archive.zip!member.csv</c> in the ledger, the summary and the table; anything else as it is.
/// </summary>
internal static class ArchiveLoad
{
    public static async Task<IReadOnlyList<FileSummary>> LoadAsync(
        FileLoader loader, string path, string fullPath, Contract contract, LoadSettings settings, Action<LoadProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (!IsArchive(path, fullPath))
        {
            return [await LocalFileLoad.LoadAsync(loader, path, fullPath, contract, settings, progress, cancellationToken)];
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var zip = ZipFile.OpenRead(fullPath);
            var opened = FileStamp.Of(fullPath);
            var members = zip.Entries.Where(ZipMembers.IsCsv).ToList();
            var others = zip.Entries.Where(e => e.Name.Length > 0 && !ZipMembers.IsCsv(e)).Select(e => e.FullName).ToList();
            if (members.Count == 0)
            {
                return [LocalFileLoad.Failed(path, $"{path}: the ZIP archive holds no *.csv member, so nothing was loaded", started)];
            }
            var summaries = new List<FileSummary>(members.Count);
            foreach (var entry in members)
            {
                try
                {
                    summaries.Add(await LoadMemberAsync(loader, path, fullPath, entry, opened, contract, settings, progress, cancellationToken));
                }
                catch (TransactionEtlException ex)
                {
                    // One member's failure keeps the lines of those before it and lets the next ones load.
                    summaries.Add(LocalFileLoad.Failed($"{path}!{entry.FullName}", ex.Message, started) with { FileId = ex.FileId });
                }
            }
            if (others.Count > 0)
            {
                // Once, on the first member: the archive itself has no line of its own.
                summaries[0] = summaries[0] with
                {
                    Warnings = [$"{path}: skipped {others.Count} member(s) that are not *.csv: {string.Join(", ", others)}", .. summaries[0].Warnings],
                };
            }
            return summaries;
        }
        catch (InvalidDataException ex)
        {
            return [LocalFileLoad.Failed(path, $"{path}: the ZIP archive cannot be read ({ex.Message})", started)];
        }
        catch (TransactionEtlException ex)
        {
            return [LocalFileLoad.Failed(path, ex.Message, started) with { FileId = ex.FileId }];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [LocalFileLoad.Failed(path, $"{path}: cannot read the file: {ex.Message}", started)];
        }
    }

    private static bool IsArchive(string path, string fullPath)
    {
        try
        {
            return path != StandardInput.Name && ZipMembers.IsArchive(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // The ordinary load names the read error.
        }
    }

    private static async Task<FileSummary> LoadMemberAsync(
        FileLoader loader, string path, string fullPath, ZipArchiveEntry entry, FileStamp opened, Contract contract, LoadSettings settings,
        Action<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        string shown = $"{path}!{entry.FullName}";
        await using var content = ZipMembers.Open(entry, settings.MaxDecompressedBytes, settings.MaxDecompressionRatio);
        var summary = await loader.LoadAsync(new LoadRequest
        {
            Source = SourceIdentity.ForArchiveMember(fullPath, entry.FullName),
            Content = content,
            // The loader's second pass reads the member again from its start, through a guard of its own.
            OpenContentAgain = _ => Task.FromResult(ZipMembers.Open(entry, settings.MaxDecompressedBytes, settings.MaxDecompressionRatio)),
            Contract = contract,
            MaxRejectedRatio = settings.MaxRejectedRatio,
            MaxDecompressedBytes = settings.MaxDecompressedBytes,
            MaxDecompressionRatio = settings.MaxDecompressionRatio,
            LockTimeout = settings.LockTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : LoadRequest.DefaultLockTimeout,
            // The member cannot change inside an unchanged archive.
            ConfirmUnchangedAsync = (_, _) => Task.FromResult(FileStamp.Of(fullPath) is var now && now != opened ? opened.Difference(now) : null),
            SizeBytes = entry.Length,
            Progress = progress,
        }, cancellationToken);
        return summary with { File = shown, Compression = ZipMembers.Compression, BytesDecompressed = ZipMembers.BytesRead(content) };
    }
}
