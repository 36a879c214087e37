using System.Globalization;
using System.Net;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// Chain `spoof` in a real kernel: packets forged with the server's own addresses, a loopback address, or a source
/// that cannot have come in on the interface they arrived on, are dropped and counted before the allowlist, the
/// NFLOG rules and the engine ever see them; a forged but plausible source still reaches the engine.
/// </summary>
[Collection(DaemonCollection.Name)]
public class SpoofCheckTests
{
    // An "internal" network of the server (like a Docker bridge): routed through int0, never through eth0.
    private const string InternalNet = "192.0.2.192/26";
    private const string InternalSource = "192.0.2.200";

    // Inside 2001:db8::/32 but outside every route of the server (it has 2001:db8:10::/64 only).
    private const string UnroutedSource = "2001:db8:99::7";

    [Fact]
    public async Task Packets_forged_with_the_servers_own_loopback_or_unroutable_sources_are_dropped_and_counted_and_never_reach_the_engine()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 443);
        AddInternalNetwork(lab);
        var defaults = lab.Stages();
        var daemon = await lab.StartAsync(new PortVeil.Daemon.Pipeline.DaemonStages
        {
            NetworkNamespacePath = defaults.NetworkNamespacePath,
            Storage = defaults.Storage,
            HostName = defaults.HostName,
            AllowlistRefresh = TimeSpan.FromMilliseconds(500),
        });
        var before = await daemon.Enforcer!.ReadSpoofDropsAsync();
        Assert.Equal(default, before);

        using var sender = RawSynSender.Open(lab.Lab.Scanners[0]);
        var v4 = IPAddress.Parse(LabTopology.ServerIPv4);
        var v6 = IPAddress.Parse(LabTopology.ServerIPv6);
        const int PerSource = 50;
        var eventsBefore = daemon.Events;
        long localSent = 0, reversePathSent = 0;
        for (var i = 0; i < PerSource; i++)
        {
            // Unserved ports 1000+: were they to get through, each would be an NFLOG event (pv:unserved).
            var port = (ushort)(1000 + i);
            localSent += Send(sender, v4, v4, port) + Send(sender, v6, v6, port) + Send(sender, IPAddress.Loopback, v4, port);
            reversePathSent += Send(sender, IPAddress.Parse(InternalSource), v4, port) + Send(sender, IPAddress.Parse(UnroutedSource), v6, port);
        }

        var drops = await WaitForDropsAsync(daemon.Enforcer, localSent + reversePathSent);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var forgedEvents = daemon.Events - eventsBefore;

        Assert.Equal(3 * PerSource, localSent);
        Assert.Equal(localSent, drops.LocalSource);
        Assert.Equal(reversePathSent, drops.ReversePath);
        Assert.Equal(0, forgedEvents);

        // Control: the same sender, a forged source the server can route back through eth0 (not allowlisted):
        // it passes chain spoof, is logged and reaches the engine. So the silence above is chain spoof.
        var plausible = IPAddress.Parse("198.51.100.200");
        for (var i = 0; i < PerSource; i++)
        {
            Send(sender, plausible, v4, (ushort)(2000 + i));
        }

        long controlEvents = 0;
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline && controlEvents < PerSource; await Task.Delay(100))
        {
            controlEvents = daemon.Events - eventsBefore;
        }

        Assert.True(controlEvents > 0, "the control packets never reached the engine");
        Assert.Equal(drops, await daemon.Enforcer.ReadSpoofDropsAsync());

        // Reported: the daemon re-reads the counters with every allowlist refresh and exports them at /metrics.
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline && daemon.SpoofDrops != drops; await Task.Delay(100))
        {
        }

        Assert.Equal(drops, daemon.SpoofDrops);
        using var exporter = new PortVeil.Daemon.Metrics.PrometheusExporter(daemon.Metrics.Meter, daemon.Metrics.RefreshSnapshot);
        var metrics = exporter.Collect();
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"portveil_kernel_spoofed_total{{check=\"local_source\"}} {drops.LocalSource}"), metrics, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"portveil_kernel_spoofed_total{{check=\"reverse_path\"}} {drops.ReversePath}"), metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_both_checks_off_the_chain_is_empty_and_a_forged_internal_source_reaches_the_engine()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 443);
        AddInternalNetwork(lab);
        var stages = lab.Stages();
        var off = stages.Enforcer with
        {
            Ruleset = stages.Enforcer.Ruleset with { ReversePathFilter = ReversePathFilter.Off, DropLocalSourceSpoofs = false },
        };
        var daemon = await lab.StartAsync(new PortVeil.Daemon.Pipeline.DaemonStages
        {
            NetworkNamespacePath = stages.NetworkNamespacePath,
            Storage = stages.Storage,
            Policy = stages.Policy,
            HostName = stages.HostName,
            Enforcer = off,
        });

        using var sender = RawSynSender.Open(lab.Lab.Scanners[0]);
        var eventsBefore = daemon.Events;
        for (var i = 0; i < 20; i++)
        {
            Send(sender, IPAddress.Parse(InternalSource), IPAddress.Parse(LabTopology.ServerIPv4), (ushort)(1000 + i));
        }

        long events = 0;
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline && events == 0; await Task.Delay(100))
        {
            events = daemon.Events - eventsBefore;
        }

        Assert.True(events > 0, "with reverse-path filtering off, the forged internal source should reach the engine");
        Assert.Equal(default, await daemon.Enforcer!.ReadSpoofDropsAsync());
        var listing = await daemon.Enforcer.ListTableJsonAsync();
        Assert.DoesNotContain("\"fib\": {\"result\": \"oif\"", listing, StringComparison.Ordinal);
    }

    /// <summary>A veth pair inside the server namespace (no dummy module here) carrying <see cref="InternalNet"/>.</summary>
    private static void AddInternalNetwork(DaemonLab lab)
    {
        var server = lab.Lab.Server;
        server.Exec("ip", "link", "add", "int0", "type", "veth", "peer", "name", "int1").EnsureSuccess("int0");
        server.Exec("ip", "addr", "add", "192.0.2.193/26", "dev", "int0").EnsureSuccess("internal network");
        server.Exec("ip", "link", "set", "int0", "up").EnsureSuccess("int0 up");
        server.Exec("ip", "link", "set", "int1", "up").EnsureSuccess("int1 up");
    }

    private static int Send(RawSynSender sender, IPAddress source, IPAddress target, ushort port) =>
        sender.Send(source, target, (ushort)(40000 + port), port, (uint)port * 7919u, clientOptions: true) ? 1 : 0;

    private static async Task<SpoofDrops> WaitForDropsAsync(NftEnforcer enforcer, long expected)
    {
        var drops = default(SpoofDrops);
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            drops = await enforcer.ReadSpoofDropsAsync();
            if (drops.Total >= expected)
            {
                break;
            }
        }

        return drops;
    }
}
