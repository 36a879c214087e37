using System.Net.Http.Headers;
using System.Text.Json;
using PortVeil.Daemon;
using PortVeil.Daemon.Api;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Api;

/// <summary>A <see cref="DaemonLab"/> whose daemon also serves the API on 127.0.0.1 (a free port), token file in the lab's state directory.</summary>
internal static class ApiLab
{
    public static ApiOptions Options(DaemonLab lab) => new()
    {
        Listen = "127.0.0.1:0",
        TokenFile = Path.Combine(lab.StateDirectory, "api.token"),
    };

    /// <summary>A client that sends the token the daemon created in its token file.</summary>
    public static HttpClient Client(PortVeilDaemon daemon, DaemonLab lab)
    {
        Assert.NotNull(daemon.Api);
        var client = new HttpClient { BaseAddress = daemon.Api.BaseAddress, Timeout = TestTimeouts.Command };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(lab));
        return client;
    }

    public static string Token(DaemonLab lab) => File.ReadAllText(Path.Combine(lab.StateDirectory, "api.token")).Trim();

    /// <summary>Polls GET /api/v1/bans until <paramref name="target"/> is listed (storage is written in batches).</summary>
    public static async Task<JsonElement> WaitForBanAsync(HttpClient client, PortVeilDaemon daemon, string target)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; ; await Task.Delay(200))
        {
            await daemon.Writer!.FlushAsync();
            using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/bans", UriKind.Relative)));
            foreach (var ban in json.RootElement.GetProperty("bans").EnumerateArray())
            {
                if (ban.GetProperty("target").GetString() == target)
                {
                    return ban.Clone();
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"{target} never appeared in GET /api/v1/bans: {json.RootElement}");
        }
    }
}
