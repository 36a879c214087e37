using System.Net;
using System.Text.Json;
using PortVeil.Daemon.Api;
using PortVeil.Storage;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Api;

/// <summary>GET /api/v1/live: server-sent events as a browser or `curl -N` reads them.</summary>
public class ApiLiveTests
{
    [Fact]
    public async Task A_published_ban_arrives_on_the_live_stream_as_a_ban_event_with_its_explanation()
    {
        await using var api = await TestApi.StartAsync();
        using var response = await api.Authorized.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        Assert.StartsWith(":", await reader.ReadLineAsync());
        await WaitForClientsAsync(api.Feed, 1);

        var now = DateTimeOffset.UtcNow;
        var verdict = Some.Verdict(Some.Address(44), now, Some.Evidence(now, [22, 23, 80], [22]));
        var record = Some.Ban(Some.Address(44), now, TimeSpan.FromHours(1));
        api.Feed.Publish("ban", BanView.From(new StoredBan { Ban = record }, [new StoredIncident { Id = Guid.Empty, Verdict = verdict, OriginHost = "test-host" }], now));

        using var cts = new CancellationTokenSource(TestTimeouts.Event);
        var (type, data) = await ReadEventAsync(reader, cts.Token);
        Assert.Equal("ban", type);
        using var json = JsonDocument.Parse(data);
        Assert.Equal("203.0.113.44", json.RootElement.GetProperty("target").GetString());
        Assert.Equal([22], json.RootElement.GetProperty("openPortsReached").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Contains("Exposure: before the verdict it had reached 1 open port (22)", json.RootElement.GetProperty("explanation").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_connections_beyond_the_limit_get_503_and_a_closed_one_frees_its_place()
    {
        await using var api = await TestApi.StartAsync(o => o.MaxLiveClients = 1);
        var first = await api.Authorized.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await WaitForClientsAsync(api.Feed, 1);
        using (var second = await api.Authorized.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
            Assert.Contains("max_live_clients", await ApiAuthTests.ErrorAsync(second), StringComparison.Ordinal);
        }

        first.Dispose();
        await WaitForClientsAsync(api.Feed, 0);
        using var third = await api.Authorized.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    internal static async Task<(string Type, string Data)> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? type = null;
        var data = "";
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the live stream ended");
            if (line.Length == 0)
            {
                if (type is not null)
                {
                    return (type, data);
                }

                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data += line[6..];
            }
        }
    }

    private static async Task WaitForClientsAsync(LiveFeed feed, int count)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; feed.Clients != count; await Task.Delay(20))
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} live clients, have {feed.Clients}");
        }
    }
}
