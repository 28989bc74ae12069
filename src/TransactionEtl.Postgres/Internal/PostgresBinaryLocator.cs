using System.Globalization;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Internal;

/// <summary>
/// Finds a directory holding the PostgreSQL server programs (initdb, pg_ctl, postgres): PATH first, then
/// the places distributions and Homebrew install them, newest major version first.
/// </summary>
internal static class PostgresBinaryLocator
{
    private static readonly string[] RequiredPrograms = ["initdb", "pg_ctl", "postgres"];

    /// <summary>Glob-like patterns searched after PATH; '*' stands for the major version.</summary>
    public static readonly IReadOnlyList<string> DefaultSearchPatterns =
    [
        "/usr/lib/postgresql/*/bin",
        "/usr/pgsql-*/bin",
        "/opt/homebrew/opt/postgresql@*/bin",
        "/usr/local/opt/postgresql@*/bin",
    ];

    /// <summary>Every directory holding all server programs, in search order; throws when there is none.</summary>
    public static IReadOnlyList<string> LocateAll(string? pathVariable, IReadOnlyList<string> searchPatterns)
    {
        var found = Candidates(pathVariable, searchPatterns)
            .Where(directory => RequiredPrograms.All(program => File.Exists(Path.Combine(directory, program))))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (found.Count > 0)
        {
            return found;
        }
        var searched = string.Join(", ", searchPatterns.Prepend("PATH"));
        throw new TransactionEtlException(
            $"PostgreSQL server programs (initdb, pg_ctl, postgres) were not found in {searched}. " +
            "Install them (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql@16`; " +
            "Fedora/RHEL: `dnf install postgresql-server`) or pass --database-url to use an existing database.");
    }

    private static IEnumerable<string> Candidates(string? pathVariable, IReadOnlyList<string> searchPatterns)
    {
        foreach (var entry in (pathVariable ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return entry;
        }
        foreach (var pattern in searchPatterns)
        {
            foreach (var directory in Expand(pattern))
            {
                yield return directory;
            }
        }
    }

    /// <summary>Expands the single '*' of a pattern, ordering matches by version, newest first.</summary>
    private static IEnumerable<string> Expand(string pattern)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return [pattern];
        }
        var parentEnd = pattern.LastIndexOf('/', star);
        var parent = pattern[..parentEnd];
        var segmentEnd = pattern.IndexOf('/', star);
        var segment = segmentEnd < 0 ? pattern[(parentEnd + 1)..] : pattern[(parentEnd + 1)..segmentEnd];
        var rest = segmentEnd < 0 ? string.Empty : pattern[segmentEnd..];
        if (!Directory.Exists(parent))
        {
            return [];
        }
        var prefix = segment[..segment.IndexOf('*', StringComparison.Ordinal)];
        return Directory.EnumerateDirectories(parent, segment)
            .Select(path => (Path: path, Version: ParseVersion(Path.GetFileName(path)[prefix.Length..])))
            .OrderByDescending(match => match.Version)
            .Select(match => match.Path + rest);
    }

    private static Version ParseVersion(string text)
    {
        var digits = new string(text.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray()).Trim('.');
        if (!digits.Contains('.', StringComparison.Ordinal))
        {
            digits += ".0";
        }
        return Version.TryParse(digits, out var version) ? version : new Version(0, 0);
    }

    /// <summary>Major version of the cluster in a data directory (its PG_VERSION file), for messages.</summary>
    public static int? ReadClusterMajorVersion(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "PG_VERSION");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            ? major
            : null;
    }
}
