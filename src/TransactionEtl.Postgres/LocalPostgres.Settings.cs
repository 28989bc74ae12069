using System.Globalization;
using System.Text;

namespace TransactionEtl.Postgres;

// The server settings: checked when the options are given, written to their own file at every start (keeping the port).
public sealed partial class LocalPostgres
{
    private const string ConfigFileName = "txetl.conf";

    private static void ValidateServerSettings(LocalPostgresOptions options)
    {
        foreach (var (name, value) in options.ServerSettings ?? new Dictionary<string, string>())
        {
            // Written into a config file: a line break or an odd name would let a value add settings of its own.
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.')
                || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
            {
                throw new ArgumentException($"ServerSettings: '{name}' is not a plain setting name, or its value holds a line break.", nameof(options));
            }
        }
    }

    /// <summary>
    /// The port written by an earlier start, or null for a cluster never started by this version. Kept in the
    /// cluster's own settings so that a URL saved by a user (a psql alias, a GUI tool) works after every restart.
    /// </summary>
    private int? ReadKeptPort()
    {
        var path = Path.Combine(DataDirectory, ConfigFileName);
        if (!File.Exists(path))
        {
            return null;
        }
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts is ["port", var value] && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                return port;
            }
        }
        return null;
    }

    private async Task WriteConfigAsync(int port, CancellationToken cancellationToken)
    {
        var socketDirectories = UsesUnixSocket ? DataDirectory.Replace("'", "''", StringComparison.Ordinal) : string.Empty;
        var fsync = _options.Fsync ? "on" : "off";
        var config = new StringBuilder()
            .AppendLine("# Written by TransactionEtl (LocalPostgres) at every start; edits are overwritten.")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine(CultureInfo.InvariantCulture, $"port = {port}")
            .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{socketDirectories}'")
            .AppendLine("unix_socket_permissions = 0700")
            .AppendLine(CultureInfo.InvariantCulture, $"fsync = {fsync}")
            .AppendLine(CultureInfo.InvariantCulture, $"synchronous_commit = {fsync}")
            .AppendLine(CultureInfo.InvariantCulture, $"full_page_writes = {fsync}")
            .AppendLine("password_encryption = 'scram-sha-256'");
        foreach (var (name, value) in _options.ServerSettings ?? new Dictionary<string, string>())
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"{name} = '{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}'");
        }
        var text = config.ToString();
        var path = Path.Combine(DataDirectory, ConfigFileName);
        await File.WriteAllTextAsync(path, text, cancellationToken);
        if (_runAs is not null)
        {
            await ChownAsync(path, cancellationToken);
        }
    }
}
