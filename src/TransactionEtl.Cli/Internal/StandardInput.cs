namespace TransactionEtl.Cli.Internal;

/// <summary>
/// <c>run -</c>: standard input copied to a private temporary file first, so that it is loaded like any file: hashed,
/// checked unchanged before commit, and read at the speed of a file. The copy streams; memory stays flat.
/// </summary>
internal sealed class StandardInput : IDisposable
{
    /// <summary>The path argument that stands for standard input.</summary>
    public const string Name = "-";

    private StandardInput(string path) => Path = path;

    /// <summary>The temporary copy (mode 0600), deleted by <see cref="Dispose"/>.</summary>
    public string Path { get; }

    public static async Task<StandardInput> CopyAsync(CliEnvironment environment, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"txetl-stdin-{Guid.NewGuid():N}.csv");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        var copy = new StandardInput(path);
        try
        {
            await using var input = environment.OpenStandardInput();
            await using var file = new FileStream(path, options);
            await input.CopyToAsync(file, cancellationToken);
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    public void Dispose() => File.Delete(Path);
}
