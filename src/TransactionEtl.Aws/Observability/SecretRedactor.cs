namespace TransactionEtl.Aws.Observability;

/// <summary>
/// The values that must never appear in a log line or an error message: every secret value the
/// process has read (passwords, webhook URLs) is registered here by the secrets adapter, and the logger
/// and the error mapping replace them with <see cref="Mask"/>. One instance per process.
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    // Shorter values would mask innocent text (a 3-letter password would blank out every "abc").
    // Such secrets are too weak for RDS or a webhook anyway.
    private const int MinimumLength = 6;

    /// <summary>
    /// The process's instance: function factories register into it and the bootstrap's logger should
    /// redact with it (a Lambda container serves one function, so one registry per process is exact).
    /// </summary>
    public static SecretRedactor Process { get; } = new();

    private readonly Lock _gate = new();
    private string[] _values = [];

    /// <summary>Registers a secret value; later log lines and messages never show it.</summary>
    public void Register(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < MinimumLength)
        {
            return;
        }
        lock (_gate)
        {
            if (Array.IndexOf(_values, value) >= 0)
            {
                return;
            }
            // Longest first, so a URL is masked whole before a shorter secret inside it is.
            _values = [.. _values.Append(value).OrderByDescending(v => v.Length)];
        }
    }

    /// <summary>Returns <paramref name="text"/> with every registered value masked.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = Volatile.Read(ref _values);
        foreach (var value in values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, Mask, StringComparison.Ordinal);
            }
        }
        return text;
    }
}
