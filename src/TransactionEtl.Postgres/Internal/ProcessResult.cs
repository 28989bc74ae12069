namespace TransactionEtl.Postgres.Internal;

/// <summary>What a finished child process left behind.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The first non-empty line of stderr (else stdout), for one-line error messages.</summary>
    public string FirstErrorLine
    {
        get
        {
            foreach (var text in new[] { StandardError, StandardOutput })
            {
                var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
                if (line is not null)
                {
                    return line;
                }
            }
            return $"exit code {ExitCode}";
        }
    }
}
