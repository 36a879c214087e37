using System.Net;
using System.Text.Json;
using PortVeil.Daemon.Api;
using PortVeil.Storage;

namespace PortVeil.Daemon.Tests.Api;

/// <summary>The read endpoints return what the database holds, in the documented JSON shape.</summary>
public class ApiReadTests
{
    [Fact]
    public async Task Bans_lists_the_active_stored_bans_newest_first_with_their_explanation_and_exposure()
    {
        await using var api = await TestApi.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await api.StoreBanAsync("203.0.113.7", now.AddMinutes(-5), [21, 22, 23, 25, 80, 443], [22]);
        await api.StoreBanAsync("198.51.100.9", now.AddMinutes(-1), [1433, 3306, 5432], []);
        // Expired an hour ago: not listed.
        await api.StoreBanAsync("192.0.2.50", now.AddHours(-3), [8080], [], TimeSpan.FromHours(1));

        using var json = await GetJsonAsync(api, "/api/v1/bans");
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("active").GetInt32());
        Assert.False(root.GetProperty("truncated").GetBoolean());
        var bans = root.GetProperty("bans").EnumerateArray().ToArray();
        Assert.Equal(["198.51.100.9", "203.0.113.7"], bans.Select(b => b.GetProperty("target").GetString()!));

        var first = bans[1];
        Assert.Equal("trw", first.GetProperty("detector").GetString());
        Assert.Equal("syn", first.GetProperty("scan").GetString());
        Assert.Equal("nmap", first.GetProperty("tool").GetString());
        Assert.Equal([22], first.GetProperty("openPortsReached").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal([21, 22, 23, 25, 80, 443], first.GetProperty("portsProbed").EnumerateArray().Select(p => p.GetInt32()));
        var explanation = first.GetProperty("explanation").GetString()!;
        // The same account as `portveil explain ban` (BanExplainer), without reading the kernel.
        Assert.StartsWith("203.0.113.7 is banned by the trw detector since ", explanation, StringComparison.Ordinal);
        Assert.Contains("Reason: trw: 5 failures", explanation, StringComparison.Ordinal);
        Assert.Contains("Packets: a syn scan: 6 probes", explanation, StringComparison.Ordinal);
        Assert.Contains("open (served): 22.", explanation, StringComparison.Ordinal);
        Assert.Contains("Fingerprint: its packets match nmap (window 1024, lone MSS 1460).", explanation, StringComparison.Ordinal);
        Assert.Contains("Exposure: before the verdict it had reached 1 open port (22)", explanation, StringComparison.Ordinal);
        Assert.Contains("Kernel: not checked (a ban list does not read the kernel; GET /api/v1/explain/203.0.113.7", explanation, StringComparison.Ordinal);
        Assert.Contains("it learned no open port", bans[0].GetProperty("explanation").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_gives_the_explain_ban_account_and_404_for_an_address_never_seen()
    {
        await using var api = await TestApi.StartAsync();
        await api.StoreBanAsync("203.0.113.7", DateTimeOffset.UtcNow.AddMinutes(-5), [21, 22, 23], [22]);

        using var json = await GetJsonAsync(api, "/api/v1/explain/203.0.113.7");
        Assert.True(json.RootElement.GetProperty("active").GetBoolean());
        Assert.Equal("203.0.113.7", json.RootElement.GetProperty("banTarget").GetString());
        var account = json.RootElement.GetProperty("account").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.StartsWith("203.0.113.7 is banned by the trw detector", account[0], StringComparison.Ordinal);
        Assert.Contains(account, l => l.StartsWith("Ports: it probed 3 ports", StringComparison.Ordinal));
        Assert.Contains(account, l => l.StartsWith("Kernel: ", StringComparison.Ordinal));

        using var unknown = await api.Authorized.GetAsync(new Uri("/api/v1/explain/198.51.100.77", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("never been banned", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var bad = await api.Authorized.GetAsync(new Uri("/api/v1/explain/not-an-ip", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Bans_limit_cuts_the_list_and_says_so()
    {
        await using var api = await TestApi.StartAsync();
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 3; i++)
        {
            await api.StoreBanAsync($"203.0.113.{i}", now.AddSeconds(-10 + i), [1, 2, 3], []);
        }

        using var json = await GetJsonAsync(api, "/api/v1/bans?limit=2");
        Assert.Equal(3, json.RootElement.GetProperty("active").GetInt32());
        Assert.True(json.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal(["203.0.113.3", "203.0.113.2"], json.RootElement.GetProperty("bans").EnumerateArray().Select(b => b.GetProperty("target").GetString()!));
    }

    [Fact]
    public async Task Incidents_since_returns_only_the_incidents_decided_in_that_window()
    {
        await using var api = await TestApi.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await api.StoreBanAsync("203.0.113.7", now.AddHours(-30), [22, 23], []);
        await api.StoreBanAsync("203.0.113.8", now.AddHours(-2), [80, 81], [80]);
        await api.StoreBanAsync("203.0.113.9", now.AddMinutes(-10), [443], []);

        using var day = await GetJsonAsync(api, "/api/v1/incidents");
        Assert.Equal(["203.0.113.8", "203.0.113.9"], Sources(day));

        using var hour = await GetJsonAsync(api, "/api/v1/incidents?since=1h");
        Assert.Equal(["203.0.113.9"], Sources(hour));

        var since = now.AddHours(-40).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        using var all = await GetJsonAsync(api, "/api/v1/incidents?since=" + since);
        Assert.Equal(["203.0.113.7", "203.0.113.8", "203.0.113.9"], Sources(all));
        var second = all.RootElement.GetProperty("incidents")[1];
        Assert.Equal([80], second.GetProperty("openPortsReached").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal("trw", second.GetProperty("detector").GetString());
        Assert.True(second.GetProperty("sourceVerified").GetBoolean());
        Assert.Equal(JsonValueKind.String, second.GetProperty("banId").ValueKind);
    }

    [Theory]
    [InlineData("/api/v1/incidents?since=yesterday", "since \"yesterday\"")]
    [InlineData("/api/v1/incidents?limit=0", "limit \"0\"")]
    [InlineData("/api/v1/bans?limit=many", "limit \"many\"")]
    public async Task A_bad_query_gets_400_naming_the_parameter(string path, string named)
    {
        await using var api = await TestApi.StartAsync();
        using var response = await api.Authorized.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await ApiAuthTests.ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_reports_the_daemon_counters()
    {
        await using var api = await TestApi.StartAsync();
        api.Status = new DaemonStatus
        {
            StartedAt = DateTimeOffset.UtcNow,
            Events = 12345,
            BansMade = 7,
            ActiveBans = 5,
            TrackedSources = 321,
            KernelOverruns = 2,
            StorageQueueDepth = 4,
            BanLatencyP99Ms = 1.5,
        };
        using var json = await GetJsonAsync(api, "/api/v1/stats");
        var d = json.RootElement.GetProperty("daemon");
        Assert.Equal(12345, d.GetProperty("events").GetInt64());
        Assert.Equal(7, d.GetProperty("bansMade").GetInt64());
        Assert.Equal(5, d.GetProperty("activeBans").GetInt32());
        Assert.Equal(321, d.GetProperty("trackedSources").GetInt32());
        Assert.Equal(2, d.GetProperty("kernelOverruns").GetInt64());
        Assert.Equal(1.5, d.GetProperty("banLatencyP99Ms").GetDouble());
        Assert.Equal(0, json.RootElement.GetProperty("liveClients").GetInt32());
    }

    [Fact]
    public async Task Unknown_paths_get_404_and_wrong_methods_405()
    {
        await using var api = await TestApi.StartAsync();
        using var missing = await api.Authorized.GetAsync(new Uri("/api/v1/nothing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var body = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        using var post = await api.Authorized.PostAsync(new Uri("/api/v1/bans", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    internal static async Task<JsonDocument> GetJsonAsync(TestApi api, string path)
    {
        using var response = await api.Authorized.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private static string[] Sources(JsonDocument json) =>
        [.. json.RootElement.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("source").GetString()!)];
}
