using FsCheck;
using FsCheck.Fluent;
using TransactionEtl.Aws.S3;

namespace TransactionEtl.Aws.Tests.S3;

public sealed class ReportLocationTests
{
    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/absolute/path/file.csv")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/../../../b.csv")]
    [InlineData("reports/../../x.csv")]
    [InlineData("...")]
    [InlineData("")]
    [InlineData("//")]
    [InlineData("incoming/2026/11/with space+plus ü.csv")]
    [InlineData("C:\\windows\\system32\\x.csv")]
    [InlineData("%2e%2e/%2e%2e/x")]
    public void Report_keys_stay_one_safe_folder_below_reports(string key)
    {
        var location = ReportLocation.For(new S3ObjectPointer("bucket", key, "v1"));

        AssertSafe(location);
    }

    [Fact]
    public void Very_long_keys_give_short_report_keys()
    {
        var key = string.Join('/', Enumerable.Repeat(new string('a', 200), 5)) + ".csv";
        var location = ReportLocation.For(new S3ObjectPointer("bucket", key));

        AssertSafe(location);
        Assert.True(location.RejectsKey.Length < 140, location.RejectsKey);
    }

    [Fact]
    public void Report_folder_is_readable_for_ordinary_keys()
    {
        var location = ReportLocation.For(new S3ObjectPointer("bkt", "incoming/2026/tx 1.csv", "v1"));

        Assert.Matches("^reports/incoming-2026-tx_1\\.csv-[0-9a-f]{16}/$", location.Folder);
        Assert.Equal(location.Folder + "rejects.csv", location.RejectsKey);
        Assert.Equal($"s3://bkt/{location.Folder}summary.json", location.SummaryUri);
    }

    [Fact]
    public void Keys_that_sanitize_alike_and_versions_of_one_key_get_different_folders()
    {
        var a = ReportLocation.For(new S3ObjectPointer("b", "x y.csv", "v1"));
        var b = ReportLocation.For(new S3ObjectPointer("b", "x_y.csv", "v1"));
        var c = ReportLocation.For(new S3ObjectPointer("b", "x y.csv", "v2"));

        Assert.NotEqual(a.Folder, b.Folder);
        Assert.NotEqual(a.Folder, c.Folder);
    }

    [Fact]
    public void Any_key_gives_a_report_key_under_reports()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), key =>
        {
            AssertSafe(ReportLocation.For(new S3ObjectPointer("bucket", key.Get, null)));
            return true;
        }).QuickCheckThrowOnFailure();
        // Keys made of path-ish pieces exercise the traversal cases far more often than random strings.
        var pieces = Gen.Elements("..", ".", "/", "a", "..%2f", "\\", " ", "ü", "reports", "\0");
        Prop.ForAll(Gen.ListOf(pieces).Select(p => string.Concat(p)).ToArbitrary(), key =>
        {
            AssertSafe(ReportLocation.For(new S3ObjectPointer("bucket", key, "v")));
            return true;
        }).QuickCheckThrowOnFailure();
    }

    private static void AssertSafe(ReportLocation location)
    {
        foreach (var key in new[] { location.RejectsKey, location.SummaryKey })
        {
            Assert.StartsWith(ReportLocation.Prefix, key);
            var segments = key.Split('/');
            Assert.Equal(3, segments.Length);
            var name = segments[1];
            Assert.NotEmpty(name);
            Assert.NotEqual(".", name);
            Assert.NotEqual("..", name);
            Assert.False(name.StartsWith('.'), key);
            Assert.Matches("^[A-Za-z0-9._-]+$", name);
            Assert.True(name.Length <= ReportLocation.MaxReadableLength + 17, key);
        }
    }
}
