using System.Text.Encodings.Web;
using System.Text.Json;

namespace TransactionEtl.Testing;

/// <summary>
/// Knows the secret values a test uses (database passwords, webhook URLs, AWS secret keys, secret texts served by
/// the loopback Secrets Manager endpoint) and checks captured output — stdout, stderr, log lines, summaries, error documents —
/// for them. A value is also found in the forms it takes on its way out: percent-encoded (URLs) and JSON-escaped
/// (log lines, summaries), so a leak cannot hide behind an encoding.
/// </summary>
public sealed class SecretScanner
{
    /// <summary>
    /// Shorter values are refused: they would match innocent text, and the product's redactor ignores them too.
    /// </summary>
    public const int MinimumLength = 8;

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<(string Label, string[] Forms)> _secrets = [];

    /// <summary>The labels registered so far (for messages).</summary>
    public IEnumerable<string> Labels => _secrets.Select(s => s.Label);

    /// <summary>Registers a secret under a label; throws when it is too short to be searched for reliably.</summary>
    public SecretScanner Add(string label, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length < MinimumLength)
        {
            throw new ArgumentException($"secret '{label}' is shorter than {MinimumLength} characters; use a longer test value", nameof(value));
        }
        var forms = new[]
        {
            value,
            Uri.EscapeDataString(value),
            JsonSerializer.Serialize(value)[1..^1],
            JsonSerializer.Serialize(value, Relaxed)[1..^1],
        };
        _secrets.Add((label, forms.Distinct(StringComparer.Ordinal).ToArray()));
        return this;
    }

    /// <summary>Each secret found in <paramref name="text"/>: its label and where it starts.</summary>
    public IReadOnlyList<(string Label, int Index)> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<(string, int)>();
        foreach (var (label, forms) in _secrets)
        {
            foreach (var form in forms)
            {
                var index = text.IndexOf(form, StringComparison.Ordinal);
                if (index >= 0)
                {
                    found.Add((label, index));
                    break;
                }
            }
        }
        return found;
    }

    /// <summary>Throws <see cref="SecretLeakException"/> (failing the test) when <paramref name="text"/> holds a registered secret, naming the secret and the output.</summary>
    public void AssertClean(string where, string text)
    {
        if (_secrets.Count == 0)
        {
            throw new InvalidOperationException("no secrets registered: the scan would pass whatever the output");
        }
        var found = Find(text);
        if (found.Count > 0)
        {
            // The values are test values: showing the context is what makes the leak easy to fix.
            var (label, index) = found[0];
            var start = Math.Max(0, index - 120);
            throw new SecretLeakException($"{where} leaks {string.Join(", ", found.Select(f => f.Label))}: ...{text[start..Math.Min(text.Length, index + 160)]}...");
        }
    }
}
