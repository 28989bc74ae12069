using System.CommandLine;

namespace TransactionEtl.Cli.Internal;

/// <summary>Range checks on option values, run while parsing so that a bad value is a usage error (exit 1).</summary>
internal static class OptionChecks
{
    /// <summary>Adds a check: <paramref name="error"/> returns the message for a bad value, or null when it is fine.</summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, string?> error)
    {
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                // Not a T at all ("abc" for a number): the parser reports that itself.
                return;
            }
            if (error(value) is { } message)
            {
                result.AddError(message);
            }
        });
        return option;
    }
}
