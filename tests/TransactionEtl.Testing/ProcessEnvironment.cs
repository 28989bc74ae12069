namespace TransactionEtl.Testing;

/// <summary>
/// Sets process environment variables for one test and puts every one back as it was on <see cref="Dispose"/>
/// (unset if it was unset), so that no value leaks into the tests that run later in the same process. The
/// variables are process-wide: a class using this belongs in a collection that does not run in parallel.
/// </summary>
public sealed class ProcessEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> _saved = new(StringComparer.Ordinal);

    /// <summary>Sets <paramref name="name"/> (null unsets it), remembering its value from before the first change.</summary>
    public ProcessEnvironment Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    /// <summary>Remembers <paramref name="name"/>'s value now, for a variable the code under test sets itself.</summary>
    public ProcessEnvironment Keep(string name)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        _saved.Clear();
    }
}
