using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Loopback;

/// <summary>
/// The loopback HTTP server every AWS endpoint and webhook test stands on. Its disposal once raced the accept loop's
/// first GetContextAsync: closed between the listener's own started check and its wait queue's lock, the listener
/// never completed the wait, and DisposeAsync awaited the loop for ever (a test host idle until CI's limit, twice;
/// vstest's hang blame named RunEtlChunkedTests' refused-event theory, whose handler throws before any request).
/// With the old disposal the first test timed out in 3 of 3 runs; it takes 2-3 s with the fix.
/// </summary>
public sealed class LoopbackHttpServerTests
{
    [Fact]
    public async Task Disposing_a_server_at_any_point_of_its_start_returns()
    {
        // Four loops at once on the two cores, so that the accept loop is often preempted mid-start.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 1500; i++)
            {
                var server = new LoopbackHttpServer((_, _) => new LoopbackResponse(200));
                Thread.SpinWait(i % 64 * 50);
                await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            }
        })));
    }

    [Fact]
    public async Task A_disposed_server_has_answered_what_it_received_before()
    {
        await using var server = new LoopbackHttpServer((request, n) => new LoopbackResponse(200, $"{request.Method} {n}"));
        using var http = new HttpClient();

        var answer = await http.GetStringAsync(new Uri(server.BaseUri, "x"));
        await server.DisposeAsync();

        Assert.Equal("GET 1", answer);
        Assert.Equal("/x", Assert.Single(server.Requests).PathAndQuery);
    }
}
