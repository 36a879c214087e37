using PortVeil.Core;
using PortVeil.Daemon.Fleet;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.Storage;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Fleet;

/// <summary>
/// Cross-host correlation end to end: three daemons protecting three lab servers share one PostgreSQL; one scanner
/// address (the same address in each lab) probes each server too lightly for that server's detectors, and the
/// fleet bans it from the failures all three recorded.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class FleetCorrelationTests(FleetClusterFixture fixture) : IClassFixture<FleetClusterFixture>
{
    // Three closed high ports a host: weight 3 against the window threshold 21, three failures against TRW's four.
    private static readonly int[] LightProbe = [1501, 1502, 1503];

    [Fact]
    public async Task A_scanner_probing_three_ports_on_each_of_three_hosts_is_banned_on_all_of_them_by_correlation_alone()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        await using var c = new DaemonLab(scanners: 1, clients: 0, 22);
        var options = new FleetOptions
        {
            Enabled = true,
            CorrelationHosts = 3,
            CorrelationFailures = 9,
            CorrelationInterval = TimeSpan.FromSeconds(1),
        };
        await fleet.A.StartAsync(fleet.Stages(fleet.A, "host-a", "postgres", options));
        await fleet.B.StartAsync(fleet.Stages(fleet.B, "host-b", "host_b", options));
        await c.StartAsync(fleet.Stages(c, "host-c", "postgres", options));
        Assert.True(await FleetPair.WaitUntilAsync(() => fleet.A.Daemon!.Fleet!.Listening && fleet.B.Daemon!.Fleet!.Listening && c.Daemon!.Fleet!.Listening));
        var address = fleet.A.Lab.Scanners[0].IPv4;

        // Two hosts probed lightly: nobody decides, neither alone nor by correlation (three hosts are needed).
        Probe(fleet.A.Lab.Scanners[0]);
        Probe(fleet.B.Lab.Scanners[0]);
        Assert.True(await FleetPair.WaitUntilAsync(() => EventRowsOf(fleet, address) >= 2), "both hosts' event rows should reach the database");
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // two more correlation passes
        Assert.DoesNotContain(address, await fleet.A.KernelBansAsync());
        Assert.DoesNotContain(address, await fleet.B.KernelBansAsync());
        Assert.DoesNotContain(address, await c.KernelBansAsync());
        Assert.Equal("0", fleet.Cluster.Sql(fleet.Database, $"SELECT count(*) FROM incidents WHERE source = '{address}'"));

        // The third host's light probe completes the picture: banned on all three.
        Probe(c.Lab.Scanners[0]);
        Assert.Contains(address, await fleet.A.WaitForBanAsync(address));
        Assert.Contains(address, await fleet.B.WaitForBanAsync(address));
        Assert.Contains(address, await c.WaitForBanAsync(address));

        // One ban in the fleet (three correlators, one winner), made by correlation; no host decided on its own.
        var store = c.Daemon!.Store!;
        var ban = Assert.Single(await store.ListBanHistoryAsync(BanTarget.ForAddress(NetAddress.Parse(address))));
        Assert.Equal(DetectorKind.Distributed, ban.Ban.Detector);
        var incident = Assert.Single(await store.ListIncidentsByBanAsync(ban.Ban.Id));
        Assert.Equal("1", fleet.Cluster.Sql(fleet.Database, $"SELECT count(*) FROM incidents WHERE source = '{address}'"));
        var evidence = incident.Verdict.Evidence;
        Assert.Equal(DetectorKind.Distributed, evidence.Detector);
        Assert.Equal(3, evidence.HostsProbed);
        Assert.True(evidence.Probes >= 9, evidence.Summary);
        Assert.Equal(LightProbe.Select(p => (ushort)p), evidence.ClosedPorts.Order());
        foreach (var host in new[] { "host-a", "host-b", "host-c" })
        {
            Assert.Contains(host, evidence.Summary, StringComparison.Ordinal);
        }

        Assert.Contains("1501,1502,1503", evidence.Summary, StringComparison.Ordinal);
        var correlators = new[] { fleet.A.Daemon!.Correlator!, fleet.B.Daemon!.Correlator!, c.Daemon.Correlator! };
        Assert.Equal(1, correlators.Sum(k => k.Bans));

        // The two hosts that did not make the ban enforce it as an import.
        var imports = await store.ListFleetImportsAsync(ban.Ban.Id);
        Assert.Equal(2, imports.Count(i => i.Outcome == FleetImportOutcome.Enforced));
        Assert.DoesNotContain(imports, i => i.Host == ban.Ban.OriginHost);
    }

    [Fact]
    public async Task Nine_sources_of_one_24_sending_one_SYN_to_each_of_three_hosts_get_the_24_banned_on_all_of_them_by_one_fleet_decision()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        await using var c = new DaemonLab(scanners: 1, clients: 0, 22);
        var options = new FleetOptions { Enabled = true, CorrelationHosts = 3, CorrelationInterval = TimeSpan.FromSeconds(1) };
        await fleet.A.StartAsync(fleet.Stages(fleet.A, "host-a", "postgres", options));
        await fleet.B.StartAsync(fleet.Stages(fleet.B, "host-b", "host_b", options));
        await c.StartAsync(fleet.Stages(c, "host-c", "postgres", options));
        Assert.True(await FleetPair.WaitUntilAsync(() => fleet.A.Daemon!.Fleet!.Listening && fleet.B.Daemon!.Fleet!.Listening && c.Daemon!.Fleet!.Listening));
        var labs = new[] { fleet.A, fleet.B, c };

        // Two hosts swept: 9 sources × 2 hosts × 6 ports is below the 3 hosts needed; no host decides alone either.
        Sweep(fleet.A.Lab.Scanners[0], host: 0);
        Sweep(fleet.B.Lab.Scanners[0], host: 1);
        Assert.True(await FleetPair.WaitUntilAsync(() => SweptRows(fleet) >= 18), "both hosts' event rows should reach the database");
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // two more correlation passes
        foreach (var lab in labs)
        {
            Assert.Empty(await lab.KernelBansAsync());
        }

        // The third host's share completes the sweep: one decision, the /24 banned on every host.
        Sweep(c.Lab.Scanners[0], host: 2);
        foreach (var lab in labs)
        {
            Assert.Contains(Subnet, await lab.WaitForBanAsync(Subnet));
        }

        // An address of the /24 that never probed (each lab's real scanner host, .101) is dropped now on every host.
        foreach (var lab in labs)
        {
            Assert.False(LabTcpClient.TryConnect(lab.Lab.Scanners[0], LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(2)), "the /24 is banned");
            Assert.Equal([Subnet], await lab.KernelBansAsync()); // one element, no member banned on its own
        }

        var store = c.Daemon!.Store!;
        var ban = Assert.Single(await store.ListBanHistoryAsync(new BanTarget(NetAddress.Parse("198.51.100.0"), 24))).Ban;
        Assert.Equal(DetectorKind.Distributed, ban.Detector);
        Assert.True(ban.ExpiresAt - ban.StartedAt <= TimeSpan.FromMinutes(10), "capped like a local campaign ban");
        Assert.Contains("on hosts host-a, host-b, host-c", ban.Reason, StringComparison.Ordinal);
        var evidence = Assert.Single(await store.ListIncidentsByBanAsync(ban.Id)).Verdict.Evidence;
        Assert.Equal(3, evidence.HostsProbed);
        Assert.Equal(Enumerable.Range(110, 9).Select(i => $"198.51.100.{i}"), evidence.GroupMembers.Select(m => m.ToString()).Order());
        // The decision comes as soon as the thresholds are met: host C's first rows may hold only part of its share.
        Assert.InRange(evidence.ClosedPorts.Count, 7, 9);
        Assert.All(evidence.ClosedPorts, p => Assert.InRange(p, 3000, 3008));
        Assert.Subset(evidence.ClosedPorts.ToHashSet(), Enumerable.Range(3000, 6).Select(p => (ushort)p).ToHashSet());
        Assert.Contains("9 sources failed on 3 hosts", evidence.Summary, StringComparison.Ordinal);
        Assert.Contains("host-a: 198.51.100.110 (3000),", evidence.Summary, StringComparison.Ordinal);
        Assert.Contains("host-b: 198.51.100.110 (3003),", evidence.Summary, StringComparison.Ordinal);
        Assert.Equal("0", fleet.Cluster.Sql(fleet.Database, "SELECT count(*) FROM incidents WHERE source LIKE '198.51.100.1__' AND ban_uid IS NULL AND detector <> 'distributed'"));
        Assert.Equal(1, labs.Sum(l => l.Daemon!.Correlator!.PrefixBans));
        var imports = await store.ListFleetImportsAsync(ban.Id);
        Assert.Equal(2, imports.Count(i => i.Outcome == FleetImportOutcome.Enforced));
    }

    private const string Subnet = "198.51.100.0/24";

    // One SYN (with a real client's options) from each of 9 forged sources 198.51.100.110-118 to the lab's server,
    // host h's share of ports being 3000+3h … 3002+3h: 3 ports a host, 9 in the fleet. 40 ms apart, so no two sources
    // hit a port within the decoy detector's 10 ms.
    private static void Sweep(LabHost scanner, int host)
    {
        using var sender = RawSynSender.Open(scanner);
        var target = System.Net.IPAddress.Parse(LabTopology.ServerIPv4);
        for (var i = 0; i < 9; i++)
        {
            var source = System.Net.IPAddress.Parse($"198.51.100.{110 + i}");
            Assert.True(sender.Send(source, target, (ushort)(40000 + i), (ushort)(3000 + (3 * host) + (i % 3)), (uint)(1000 + i), clientOptions: true));
            Thread.Sleep(40);
        }
    }

    private static int SweptRows(FleetPair fleet) =>
        int.Parse(fleet.Cluster.Sql(fleet.Database, "SELECT count(*) FROM event_minutes WHERE source LIKE '198.51.100.1__' AND tag IN (1, 4)"),
            System.Globalization.CultureInfo.InvariantCulture);

    private static void Probe(LabHost scanner)
    {
        foreach (var port in LightProbe)
        {
            // A real connect from the scanner's own stack (no raw-scanner fingerprint); 300 ms is before the first
            // SYN retransmission (1 s), so one SYN per port.
            Assert.False(LabTcpClient.TryConnect(scanner, LabTopology.ServerIPv4, port, TimeSpan.FromMilliseconds(300)));
        }
    }

    private static int EventRowsOf(FleetPair fleet, string address) =>
        int.Parse(fleet.Cluster.Sql(fleet.Database, $"SELECT count(DISTINCT origin_host) FROM event_minutes WHERE source = '{address}' AND tag = 1"),
            System.Globalization.CultureInfo.InvariantCulture);
}
