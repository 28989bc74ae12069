using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Core;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Observability;

/// <summary>
/// Log event ids are documented output (<c>event_id</c>): each is assigned once, in <see cref="EventIds"/>, and
/// used by one [LoggerMessage] only.
/// </summary>
public sealed partial class EventIdTests
{
    private static Dictionary<string, int> Table() =>
        typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

    /// <summary>Aws and every TransactionEtl assembly it references, directly or not (Postgres, Core).</summary>
    private static List<Assembly> ProductAssemblies()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>([typeof(LogMessages).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            if (found.TryAdd(assembly.GetName().Name!, assembly))
            {
                foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("TransactionEtl.", StringComparison.Ordinal)))
                {
                    pending.Enqueue(Assembly.Load(reference));
                }
            }
        }
        return [.. found.Values];
    }

    [Fact]
    public void Every_id_in_the_table_is_distinct()
    {
        var repeated = Table().GroupBy(c => c.Value).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Key))}").ToList();

        Assert.True(Table().Count >= 30, $"only {Table().Count} constants found");
        Assert.Empty(repeated);
    }

    [Fact]
    public void Every_logger_message_in_the_product_assemblies_has_an_id_of_its_own_from_the_table()
    {
        var assemblies = ProductAssemblies();
        var messages = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();
        var ids = Table().Values.ToHashSet();

        Assert.Contains(assemblies, a => a.GetName().Name == "TransactionEtl.Postgres");
        Assert.Contains(assemblies, a => a.GetName().Name == "TransactionEtl.Core");
        Assert.True(messages.Count >= 30, $"only {messages.Count} [LoggerMessage] methods found");
        Assert.Empty(messages.Where(m => !ids.Contains(m.Attribute!.EventId)).Select(m => $"{m.Method}: {m.Attribute!.EventId}"));
        Assert.Empty(messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}"));
    }

    /// <summary>
    /// Covers the projects the test does not load (the CLI and the Lambda bootstrap): in all of src/, an id is
    /// a name from the table, never a number, and each name is used once.
    /// </summary>
    [Fact]
    public void Every_logger_message_in_src_names_its_id_in_the_table_once()
    {
        var src = Path.Combine(RepositoryRoot.Path, "src");
        var uses = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LoggerMessageAttribute().Matches(File.ReadAllText(f))
                .Select(m => (File: Path.GetRelativePath(src, f), Id: EventIdArgument().Match(m.Value) is { Success: true } id ? id.Groups[1].Value : "(none)")))
            .ToList();
        var table = Table();

        Assert.True(uses.Count >= 30, $"only {uses.Count} [LoggerMessage] attributes found under src/");
        Assert.Empty(uses.Where(u => !u.Id.StartsWith("EventIds.", StringComparison.Ordinal) || !table.ContainsKey(u.Id["EventIds.".Length..]))
            .Select(u => $"{u.File}: EventId = {u.Id}"));
        Assert.Empty(uses.GroupBy(u => u.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(u => u.File))}"));
    }

    [GeneratedRegex(@"\[LoggerMessage\([^\]]*\]")]
    private static partial Regex LoggerMessageAttribute();

    [GeneratedRegex(@"EventId\s*=\s*([\w.]+)")]
    private static partial Regex EventIdArgument();
}
