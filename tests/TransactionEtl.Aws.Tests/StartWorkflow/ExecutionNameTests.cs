using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using TransactionEtl.Aws.StartWorkflow;

namespace TransactionEtl.Aws.Tests.StartWorkflow;

public sealed class ExecutionNameTests
{
    private static readonly Regex Allowed = new("^[A-Za-z0-9_-]{1,80}$");

    [Fact]
    public void Is_the_same_for_the_same_object_version()
    {
        Assert.Equal(
            ExecutionName.For("bucket", "incoming/transactions-2026-11-26.csv", "v1"),
            ExecutionName.For("bucket", "incoming/transactions-2026-11-26.csv", "v1"));
    }

    [Fact]
    public void Differs_for_another_version_key_or_bucket()
    {
        var name = ExecutionName.For("bucket", "incoming/t.csv", "v1");

        Assert.NotEqual(name, ExecutionName.For("bucket", "incoming/t.csv", "v2"));
        Assert.NotEqual(name, ExecutionName.For("bucket", "archive/t.csv", "v1"));
        Assert.NotEqual(name, ExecutionName.For("other", "incoming/t.csv", "v1"));
    }

    [Fact]
    public void Starts_with_a_readable_piece_of_the_file_name()
    {
        var name = ExecutionName.For("bucket", "incoming/2026/transactions-2026-11-26.csv", "v1");

        Assert.StartsWith("transactions-2026-11-26_csv-", name);
        Assert.Matches(Allowed, name);
    }

    [Fact]
    public void Replaces_characters_outside_the_allowed_set()
    {
        Assert.StartsWith("caf_z_rich_csv-", ExecutionName.For("b", "in/café zürich.csv", "v"));
        Assert.StartsWith("object-", ExecutionName.For("b", "in/日本.csv".Replace(".csv", string.Empty, StringComparison.Ordinal), "v"));
    }

    [Fact]
    public void Keeps_the_end_of_a_long_file_name_within_80_characters()
    {
        var name = ExecutionName.For("b", "in/" + new string('x', 200) + "-2026-11-26.csv", "v");

        Assert.Equal(80, name.Length);
        Assert.Contains("2026-11-26_csv-", name);
    }

    [Fact]
    public void Is_always_1_to_80_characters_of_the_allowed_set_whatever_the_key()
    {
        Prop.ForAll<string, string, string>((bucket, key, version) =>
            {
                var name = ExecutionName.For("b" + bucket, key ?? string.Empty, version);
                return Allowed.IsMatch(name);
            })
            .QuickCheckThrowOnFailure();
    }
}
