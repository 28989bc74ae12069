using System.Globalization;

namespace TransactionEtl.Aws.Configuration.Internal;

/// <summary>
/// Reads settings through a lookup function (the process environment in production, a dictionary in
/// tests) and collects every problem, so that options classes can report them all at once.
/// </summary>
internal sealed class SettingsReader(Func<string, string?> lookup)
{
    private readonly List<string> _problems = [];

    public string? Optional(string name)
    {
        var value = lookup(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public string Required(string name, string hint)
    {
        var value = Optional(name);
        if (value is null)
        {
            _problems.Add($"{name} is not set; {hint}");
            return string.Empty;
        }
        return value;
    }

    public int Int(string name, int defaultValue, int min, int max)
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return defaultValue;
        }
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            _problems.Add($"{name}='{raw}' is not a whole number from {min} to {max} (default {defaultValue})");
            return defaultValue;
        }
        return value;
    }

    public TEnum Enum<TEnum>(string name, TEnum defaultValue) where TEnum : struct, Enum
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return defaultValue;
        }
        if (!System.Enum.TryParse<TEnum>(raw, ignoreCase: true, out var value) || !System.Enum.IsDefined(value) || int.TryParse(raw, out _))
        {
            _problems.Add($"{name}='{raw}' is not one of {string.Join(", ", System.Enum.GetNames<TEnum>())}");
            return defaultValue;
        }
        return value;
    }

    public Uri? AbsoluteUri(string name)
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return null;
        }
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            _problems.Add($"{name}='{raw}' is not an absolute http(s) URL such as http://127.0.0.1:4569");
            return null;
        }
        return uri;
    }

    public void Problem(string problem) => _problems.Add(problem);

    /// <summary>Throws one exception naming every problem found while reading.</summary>
    public void ThrowIfInvalid(string what)
    {
        if (_problems.Count > 0)
        {
            throw new ConfigurationException(
                $"{what} configuration is invalid: {string.Join("; ", _problems)}. See docs/configuration.md.");
        }
    }
}
