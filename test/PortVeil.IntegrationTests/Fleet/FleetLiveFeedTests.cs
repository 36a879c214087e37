using System.Net;
using System.Text;
using System.Text.Json;
using PortVeil.Core;
using PortVeil.Daemon.Fleet;
using PortVeil.Daemon.Operations;
using PortVeil.Enforcement.Allowlist;
using PortVeil.IntegrationTests.Api;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Fleet;

/// <summary>
/// Fleet bans on host B's live dashboard feed (GET /api/v1/live, server-sent events, read through B's real API):
/// a correlated ban B made, another host's ban imported by B, and that ban lifted on its origin; then B's fleet metrics.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class FleetLiveFeedTests(FleetClusterFixture fixture) : IClassFixture<FleetClusterFixture>
{
    private static readonly string[] SynScan = ["-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300"];

    [Fact]
    public async Task Correlated_and_imported_bans_and_a_fleet_unban_arrive_on_host_b_live_feed_like_local_bans()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        // Only B correlates (two hosts suffice here), so the correlated ban is B's own; A only reports and imports.
        await fleet.A.StartAsync(fleet.Stages(fleet.A, "host-a", "postgres", new FleetOptions { Enabled = true, CorrelationHosts = 0 }));
        var stagesB = fleet.Stages(fleet.B, "host-b", "host_b",
            new FleetOptions { Enabled = true, CorrelationHosts = 2, CorrelationFailures = 6, CorrelationInterval = TimeSpan.FromSeconds(1) });
        await fleet.B.StartAsync(new global::PortVeil.Daemon.Pipeline.DaemonStages
        {
            NetworkNamespacePath = stagesB.NetworkNamespacePath,
            StorageBackend = stagesB.StorageBackend,
            Postgres = stagesB.Postgres,
            Fleet = stagesB.Fleet,
            HostName = stagesB.HostName,
            Api = ApiLab.Options(fleet.B),
        });
        Assert.True(await FleetPair.WaitUntilAsync(() => fleet.A.Daemon!.Fleet!.Listening && fleet.B.Daemon!.Fleet!.Listening));
        var daemonB = fleet.B.Daemon!;
        using var client = ApiLab.Client(daemonB, fleet.B);
        using var live = await client.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var reader = new StreamReader(await live.Content.ReadAsStreamAsync());
        Assert.True(await FleetPair.WaitUntilAsync(() => daemonB.Feed.Clients == 1));
        var address = fleet.A.Lab.Scanners[0].IPv4;

        // 1. Three closed ports on each server: B's correlator bans the address fleet-wide, live on B as a local ban would be.
        foreach (var lab in new[] { fleet.A, fleet.B })
        {
            foreach (var port in (int[])[1601, 1602, 1603])
            {
                Assert.False(LabTcpClient.TryConnect(lab.Lab.Scanners[0], LabTopology.ServerIPv4, port, TimeSpan.FromMilliseconds(300)));
            }
        }

        var correlated = await NextAsync(reader, "ban", address);
        Assert.Equal("distributed", correlated.GetProperty("detector").GetString());
        Assert.Equal("host-b", correlated.GetProperty("originHost").GetString());
        Assert.Contains("2 hosts", correlated.GetProperty("explanation").GetString()!, StringComparison.Ordinal);
        Assert.Equal([1601, 1602, 1603], correlated.GetProperty("portsProbed").EnumerateArray().Select(p => p.GetInt32()));
        var incident = await NextAsync(reader, "incident", null);
        Assert.Equal("distributed", incident.GetProperty("detector").GetString());

        // Lifted through B's API (A follows by NOTIFY), so A's own detectors can meet the scanner again.
        using (var unban = await client.PostAsync(new Uri("/api/v1/unban", UriKind.Relative),
                   new StringContent($"{{\"target\":\"{address}\"}}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, unban.StatusCode);
        }

        Assert.Equal("api", (await NextAsync(reader, "unban", address)).GetProperty("by").GetString());
        Assert.True(await FleetPair.WaitUntilAsync(() => !fleet.A.KernelBansAsync().GetAwaiter().GetResult().Contains(address)), "A lifts it too");

        // 2. A real scan of A: A's ban, imported by B, arrives on B's feed with A as origin and A's evidence.
        Nmap.Scan(fleet.A.Lab.Scanners[0], LabTopology.ServerIPv4, SynScan);
        var imported = await NextAsync(reader, "ban", address);
        Assert.Equal("host-a", imported.GetProperty("originHost").GetString());
        Assert.NotEqual("distributed", imported.GetProperty("detector").GetString());
        Assert.NotEmpty(imported.GetProperty("portsProbed").EnumerateArray());

        // 3. An operator on A lifts it: B's feed says so (by the fleet), and B's kernel lets the address in.
        Assert.Equal(OperatorStatus.Done, (await fleet.A.Daemon!.Operator!.UnbanAsync(NetPrefix.ForAddress(NetAddress.Parse(address)), CancellationToken.None)).Status);
        Assert.Equal("fleet", (await NextAsync(reader, "unban", address)).GetProperty("by").GetString());
        Assert.DoesNotContain(address, await fleet.B.KernelBansAsync());

        // B's /metrics (the real API) counted all of it.
        var m = PrometheusText.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.Equal(1, m.Value("portveil_fleet_correlation_decisions_total", ("kind", "source"), ("outcome", "banned")));
        Assert.Equal(1, m.Value("portveil_fleet_imports_total", ("outcome", "enforced")));
        Assert.Equal(1, m.Value("portveil_fleet_propagation_lag_seconds_count"));
        Assert.Equal(1, m.Value("portveil_fleet_listener_connected"));
        Assert.Equal(0, m.Value("portveil_fleet_listener_reconnects_total"));
        Assert.Equal(0, m.Value("portveil_fleet_consensus_pending"));
        Assert.True(m.Value("portveil_fleet_unban_notifications_total") >= 2, "the API unban and A's unban were both heard");
    }

    // Reads events until one of this type (and target, if given) arrives; others (incidents, heartbeats) are skipped.
    private static async Task<JsonElement> NextAsync(StreamReader reader, string type, string? target)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Event * 2);
        string? current = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the live stream ended");
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                current = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && current == type)
            {
                using var json = JsonDocument.Parse(line[6..]);
                if (target is null || json.RootElement.GetProperty("target").GetString() == target)
                {
                    return json.RootElement.Clone();
                }
            }
        }
    }
}
