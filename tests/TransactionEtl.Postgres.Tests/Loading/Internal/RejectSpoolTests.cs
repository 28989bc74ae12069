using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Tests.Loading.Internal;

public class RejectSpoolTests
{
    [Fact]
    public async Task Keeps_no_name_on_disk_that_a_killed_process_could_leave_behind()
    {
        Assert.False(OperatingSystem.IsWindows(), "this check is about Unix unlink-after-open; Windows deletes on close");
        await using var spool = new RejectSpool();
        Assert.Null(spool.TemporaryPath);

        spool.Add(new RejectedRow(2, "raw,text", [new CellError("amount", FileErrorCodes.TypeError, "amount 'x' is not a valid number", "x")]));
        spool.Add(new RejectedRow(3, "more", []));

        Assert.NotNull(spool.TemporaryPath);
        Assert.False(File.Exists(spool.TemporaryPath), $"{spool.TemporaryPath} still exists while the spool is open");
        Assert.Equal(2, spool.Count);
    }
}
