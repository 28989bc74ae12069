using System.Globalization;

namespace TransactionEtl.Cli.Internal;

/// <summary>
/// Finds which files some process has open for writing, as <c>fuser</c> does: every <c>/proc/PID/fd/N</c> is a symbolic
/// link to the file the descriptor is open on, and <c>/proc/PID/fdinfo/N</c> has its open flags. Only processes this
/// user may inspect are seen (all of them as root); another user's writer is left to the quiet period.
/// </summary>
internal sealed class OpenWriterScan(TextWriter error)
{
    private const string Proc = "/proc";

    /// <summary>O_ACCMODE: the access mode's bits of the open flags; O_RDONLY is 0, O_WRONLY 1, O_RDWR 2.</summary>
    private const int AccessModeMask = 3;

    private bool _unavailable;

    /// <summary>Those of <paramref name="paths"/> that a process has open for writing; none when /proc cannot be read.</summary>
    public IReadOnlySet<string> FindOpenForWriting(IReadOnlyList<string> paths)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (paths.Count == 0 || !CanScan())
        {
            return found;
        }

        var byKernelName = KernelNames(paths);
        foreach (var process in Directory.EnumerateDirectories(Proc).Where(IsProcessDirectory))
        {
            foreach (var (descriptor, target) in Descriptors(process))
            {
                if (byKernelName.TryGetValue(target, out var path) && IsOpenForWriting(process, descriptor))
                {
                    found.Add(path);
                }
            }
        }

        return found;
    }

    /// <summary>Whether /proc can be read at all; when it cannot, says so once on stderr and the quiet period is the only guard.</summary>
    private bool CanScan()
    {
        if (_unavailable)
        {
            return false;
        }

        try
        {
            _ = Directory.EnumerateFileSystemEntries(Path.Combine(Proc, "self", "fd")).First();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _unavailable = true;
            error.WriteLine($"watch: cannot read {Proc}/self/fd ({ex.Message}), so files open for writing cannot be seen; " +
                "relying on the quiet period (--settle) alone.");
            return false;
        }
    }

    /// <summary>
    /// The name the kernel gives each file, as other processes' descriptor links show it (symbolic links and bind mounts
    /// resolved): read back from a descriptor of our own.
    /// </summary>
    private static Dictionary<string, string> KernelNames(IReadOnlyList<string> paths)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            try
            {
                using var handle = File.OpenHandle(path);
                var descriptor = handle.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture);
                if (new FileInfo(Path.Combine(Proc, "self", "fd", descriptor)).LinkTarget is { } name)
                {
                    names[name] = path;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone or unreadable since the look: the load would fail on it too, and tell why.
            }
        }

        return names;
    }

    private static bool IsProcessDirectory(string directory) => Path.GetFileName(directory).All(char.IsAsciiDigit);

    /// <summary>The process's descriptors and what each is open on; none for a process we may not inspect or that ended.</summary>
    private static List<(string Descriptor, string Target)> Descriptors(string process)
    {
        var descriptors = new List<(string, string)>();
        try
        {
            foreach (var link in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
            {
                if (new FileInfo(link).LinkTarget is { } target)
                {
                    descriptors.Add((Path.GetFileName(link), target));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another user's process (EACCES) or one that ended or closed the descriptor mid-scan (ENOENT).
        }

        return descriptors;
    }

    /// <summary>From the "flags:" line of /proc/PID/fdinfo/N (octal); unreadable counts as writing, to stay on the safe side.</summary>
    private static bool IsOpenForWriting(string process, string descriptor)
    {
        try
        {
            var flags = File.ReadLines(Path.Combine(process, "fdinfo", descriptor))
                .FirstOrDefault(line => line.StartsWith("flags:", StringComparison.Ordinal));
            return flags is null || (Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & AccessModeMask) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return true;
        }
    }
}
