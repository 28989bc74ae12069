namespace TransactionEtl.Cli.Internal;

/// <summary>Values of the options every command accepts (<see cref="GlobalOptions"/>); command settings derive from this.</summary>
internal class GlobalSettings
{
    public bool Verbose { get; set; }

    public string? DatabaseUrl { get; set; }
}
