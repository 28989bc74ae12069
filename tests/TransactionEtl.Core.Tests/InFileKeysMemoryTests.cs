using TransactionEtl.Core.Internal;
using TransactionEtl.Core.Tests.Hostile;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// The in-file duplicate set's size, read from the process-wide heap, so it runs alone: beside the other classes it read
/// 13.6 MB in a CI run where the set itself holds about half that.
/// </summary>
[Collection(SerialTests.Name)]
public class InFileKeysMemoryTests
{
    [Fact]
    public void Holds_200k_ids_in_under_12_MB()
    {
        // A string plus a dictionary entry per id took ~90 bytes each (about 18-20 MB here); the arena and table take ~30-40.
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var keys = new InFileKeys();
        for (int i = 0; i < 200_000; i++)
        {
            keys.Add($"TX2029-{i:D8}", i + 2);
        }
        long held = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(keys);
        Assert.True(held < 12 * 1024 * 1024, $"{held:N0} bytes for 200,000 ids");
    }
}
