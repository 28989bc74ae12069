using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Internal;

namespace TransactionEtl.Postgres;

// Creating the cluster: the root directory, the choice of server programs, and initdb with its password file.
public sealed partial class LocalPostgres
{
    private void CreateRootDirectory()
    {
        if (!Directory.Exists(RootDirectory) && !OperatingSystem.IsWindows())
        {
            // 0755 so that the service user can traverse it when we are root.
            Directory.CreateDirectory(
                RootDirectory,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>Picks the first programs found, but for an existing cluster the ones of its major version.</summary>
    private async Task<string> ChooseBinDirectoryAsync(CancellationToken cancellationToken)
    {
        var candidates = PostgresBinaryLocator.LocateAll(
            _options.SearchPath ?? Environment.GetEnvironmentVariable("PATH"),
            _options.SearchPatterns ?? PostgresBinaryLocator.DefaultSearchPatterns);
        var clusterMajor = PostgresBinaryLocator.ReadClusterMajorVersion(DataDirectory);
        if (clusterMajor is null)
        {
            return candidates[0];
        }
        foreach (var candidate in candidates)
        {
            var version = await ProcessRunner.RunAsync(Path.Combine(candidate, "postgres"), ["--version"], null, cancellationToken);
            // "postgres (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)"
            var words = version.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var number = words.Length >= 3 ? words[2].Split('.')[0] : string.Empty;
            if (number == clusterMajor.Value.ToString(CultureInfo.InvariantCulture))
            {
                return candidate;
            }
        }
        throw new TransactionEtlException(
            $"the cluster in {DataDirectory} was created by PostgreSQL {clusterMajor} but only other versions were found ({string.Join(", ", candidates)}); " +
            $"install PostgreSQL {clusterMajor} or remove {RootDirectory} to create a new cluster");
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        CreateDataDirectory();
        await WritePasswordFileAsync(cancellationToken);
        if (_runAs is not null)
        {
            await HandToServiceUserAsync(cancellationToken);
        }
        await RunInitDbAsync(cancellationToken);
    }

    private void CreateDataDirectory()
    {
        if (Directory.Exists(DataDirectory))
        {
            if (Directory.EnumerateFileSystemEntries(DataDirectory).Any())
            {
                throw new TransactionEtlException(
                    $"{DataDirectory} exists but holds no PostgreSQL cluster (no PG_VERSION); remove it so that a new cluster can be created there");
            }
        }
        else if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private async Task WritePasswordFileAsync(CancellationToken cancellationToken)
    {
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))
            .Replace('+', '-').Replace('/', '_');
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using (var writer = new StreamWriter(PasswordFile, Encoding.ASCII, options))
        {
            await writer.WriteLineAsync(password.AsMemory(), cancellationToken);
        }
    }

    private async Task HandToServiceUserAsync(CancellationToken cancellationToken)
    {
        await ChownAsync(DataDirectory, cancellationToken);
        await ChownAsync(PasswordFile, cancellationToken);
        var reach = await ProcessRunner.RunAsync("test", ["-w", DataDirectory, "-a", "-r", PasswordFile], _runAs, cancellationToken);
        if (reach.ExitCode != 0)
        {
            throw new TransactionEtlException(
                $"the '{_runAs}' OS user cannot reach {RootDirectory}: every parent directory must be searchable by it (chmod o+x), " +
                "or set TXETL_HOME to a directory such as /var/tmp/txetl");
        }
    }

    private async Task RunInitDbAsync(CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "-D", DataDirectory,
            "-U", SuperUser,
            $"--pwfile={PasswordFile}",
            "--encoding=UTF8",
            "--locale=C",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        ];
        if (!_options.Fsync)
        {
            arguments = [.. arguments, "--no-sync"];
        }
        var result = await RunToolAsync("initdb", arguments, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new TransactionEtlException($"initdb failed for {DataDirectory}: {result.FirstErrorLine}");
        }
        // Our settings live in their own file, rewritten at every start (see WriteConfigAsync).
        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"\n# TransactionEtl: settings of the embedded cluster, rewritten at every start.\ninclude_if_exists = '{ConfigFileName}'\n",
            cancellationToken);
    }
}
