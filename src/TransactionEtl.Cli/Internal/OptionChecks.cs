using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace TransactionEtl.Cli.Internal;

/// <summary>Range checks on option values, run while parsing so that a bad value is a usage error (exit 1).</summary>
internal static class OptionChecks
{
    /// <summary>Starts the message of <see cref="RefuseOptionsAsArguments"/>; the app shows only these when there are some.</summary>
    public const string UnknownOption = "Unrecognized option";

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

    /// <summary>
    /// Makes every file-name argument of <paramref name="command"/> and its subcommands refuse a value that looks like
    /// an option. The parser hands a token it does not know to a variadic argument, so <c>run --dry-run x.csv</c> went
    /// on to look for a file named <c>--dry-run</c>. A lone <c>-</c> is standard input; a file whose name starts with
    /// a dash is given as <c>./-name</c>.
    /// </summary>
    public static void RefuseOptionsAsArguments(Command command)
    {
        foreach (var argument in command.Arguments.Where(a => a.ValueType == typeof(string) || a.ValueType == typeof(string[])))
        {
            argument.Validators.Add(result =>
            {
                foreach (var token in result.Tokens.Where(t => t.Value.Length > 1 && t.Value[0] == '-'))
                {
                    result.AddError($"{UnknownOption} '{token.Value}' (a file named so is ./{token.Value}).");
                }
            });
        }
        foreach (var subcommand in command.Subcommands)
        {
            RefuseOptionsAsArguments(subcommand);
        }
    }

    /// <summary>
    /// Parses the value as an invariant-culture number and names the option in the error ("--rows must be a whole
    /// number, got 'abc'."), instead of the parser's "... as expected type 'System.Int64'".
    /// </summary>
    public static Option<T> Number<T>(this Option<T> option)
        where T : struct, INumber<T>
    {
        option.CustomParser = result => ParseNumber<T>(option.Name, result);
        return option;
    }

    /// <inheritdoc cref="Number{T}(Option{T})"/>
    public static Option<T?> Number<T>(this Option<T?> option)
        where T : struct, INumber<T>
    {
        option.CustomParser = result => ParseNumber<T>(option.Name, result);
        return option;
    }

    /// <inheritdoc cref="Number{T}(Option{T})"/>
    public static Argument<T> Number<T>(this Argument<T> argument)
        where T : struct, INumber<T>
    {
        argument.CustomParser = result => ParseNumber<T>(argument.Name, result);
        return argument;
    }

    private static T ParseNumber<T>(string name, ArgumentResult result)
        where T : struct, INumber<T>
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        bool whole = typeof(T) == typeof(int) || typeof(T) == typeof(long);
        if (T.TryParse(text, whole ? NumberStyles.Integer : NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"{name} must be {(whole ? "a whole number" : "a number")}, got '{text}'.");
        return default;
    }
}
