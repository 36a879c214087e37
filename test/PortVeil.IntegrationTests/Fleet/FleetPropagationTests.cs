using PortVeil.Core;
using PortVeil.Daemon.Fleet;
using PortVeil.Daemon.Operations;
using PortVeil.Enforcement.Allowlist;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.Storage;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Fleet;

/// <summary>
/// Fleet mode end to end: two daemons protecting two servers in their own namespaces, one PostgreSQL between them,
/// real nmap scans, real nftables sets.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class FleetPropagationTests(FleetClusterFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<FleetClusterFixture>
{
    private static readonly string[] SynScan = ["-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300"];

    [Fact]
    public async Task A_scanner_banned_by_host_a_is_banned_in_host_b_kernel_with_its_origin_and_evidence_and_not_republished()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        await fleet.StartAsync();
        var scanner = fleet.A.Lab.Scanners[0];

        Nmap.Scan(scanner, LabTopology.ServerIPv4, SynScan);

        Assert.Contains(scanner.IPv4, await fleet.A.WaitForBanAsync(scanner.IPv4));
        Assert.Contains(scanner.IPv4, await fleet.B.WaitForBanAsync(scanner.IPv4));

        // B's own scanner has the same address in B's lab: B's kernel now drops it, although it never scanned B.
        Assert.False(LabTcpClient.TryConnect(fleet.B.Lab.Scanners[0], LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(3)));

        var store = fleet.B.Daemon!.Store!;
        var bans = await store.ListBanHistoryAsync(BanTarget.ForAddress(Core.NetAddress.Parse(scanner.IPv4)));
        var ban = Assert.Single(bans); // one row: host B did not publish a ban of its own
        Assert.Equal("host-a", ban.Ban.OriginHost);
        await fleet.A.Daemon!.Writer!.FlushAsync();
        var incidents = await store.ListIncidentsByBanAsync(ban.Ban.Id);
        Assert.NotEmpty(incidents);
        Assert.All(incidents, i => Assert.Equal("host-a", i.OriginHost));
        Assert.True(incidents[0].Verdict.Evidence.Probes > 0);
        var import = Assert.Single(await store.ListFleetImportsAsync(ban.Ban.Id));
        Assert.Equal(("host-b", FleetImportOutcome.Enforced), (import.Host, import.Outcome));
        Assert.Equal(1, fleet.B.Daemon.Fleet!.Imported);
        Assert.Equal(0, fleet.A.Daemon.Fleet!.Imported);
    }

    [Fact]
    public async Task A_host_cut_off_the_database_catches_up_on_the_ban_it_missed_when_it_reconnects()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        await fleet.StartAsync();
        var scanner = fleet.A.Lab.Scanners[0];

        fleet.Cluster.Sql("postgres", "ALTER ROLE host_b NOLOGIN");
        fleet.Cluster.Sql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'host_b'");
        Assert.True(await FleetPair.WaitUntilAsync(() => !fleet.B.Daemon!.Fleet!.Listening), "host B should notice the disconnect");

        Nmap.Scan(scanner, LabTopology.ServerIPv4, SynScan);
        Assert.Contains(scanner.IPv4, await fleet.A.WaitForBanAsync(scanner.IPv4));
        await fleet.A.Daemon!.Writer!.FlushAsync();

        // The NOTIFY went out while B was away: B has not got it.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.DoesNotContain(scanner.IPv4, await fleet.B.KernelBansAsync());

        fleet.Cluster.Sql("postgres", "ALTER ROLE host_b LOGIN");
        Assert.Contains(scanner.IPv4, await fleet.B.WaitForBanAsync(scanner.IPv4));
        // The periodic catch-up (pooled connection) may import the ban before the listener's reconnect backoff ends.
        Assert.True(await FleetPair.WaitUntilAsync(() => fleet.B.Daemon!.Fleet!.Connects >= 2), "host B's listener should reconnect");
    }

    [Fact]
    public async Task With_consensus_2_one_host_report_does_not_ban_on_the_other_host()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        await fleet.StartAsync(consensus: 2);
        var scanner = fleet.A.Lab.Scanners[0];

        Nmap.Scan(scanner, LabTopology.ServerIPv4, SynScan);
        Assert.Contains(scanner.IPv4, await fleet.A.WaitForBanAsync(scanner.IPv4));

        var store = fleet.B.Daemon!.Store!;
        var ban = Assert.Single(await store.ListBanHistoryAsync(BanTarget.ForAddress(Core.NetAddress.Parse(scanner.IPv4))));
        IReadOnlyList<FleetImport> imports = [];
        await FleetPair.WaitUntilAsync(() => (imports = store.ListFleetImportsAsync(ban.Ban.Id).GetAwaiter().GetResult()).Count > 0);
        var import = Assert.Single(imports);
        Assert.Equal(FleetImportOutcome.AwaitingConsensus, import.Outcome);
        Assert.Equal("1 of 2 hosts reported it", import.Detail);
        Assert.DoesNotContain(scanner.IPv4, await fleet.B.KernelBansAsync());
        Assert.Equal(0, fleet.B.Daemon.Fleet!.Imported);
    }

    [Fact]
    public async Task An_imported_ban_of_an_address_allowlisted_on_host_b_is_refused_and_recorded()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        var scanner = fleet.A.Lab.Scanners[0];
        await fleet.StartAsync(allowOnB: [scanner.IPv4 + "/32"]);

        Nmap.Scan(scanner, LabTopology.ServerIPv4, SynScan);
        Assert.Contains(scanner.IPv4, await fleet.A.WaitForBanAsync(scanner.IPv4));

        Assert.True(await FleetPair.WaitUntilAsync(() => fleet.B.Daemon!.Fleet!.Refused == 1), "host B should refuse the import");
        var store = fleet.B.Daemon!.Store!;
        var ban = Assert.Single(await store.ListBanHistoryAsync(BanTarget.ForAddress(Core.NetAddress.Parse(scanner.IPv4))));
        var import = Assert.Single(await store.ListFleetImportsAsync(ban.Ban.Id));
        Assert.Equal(FleetImportOutcome.Allowlisted, import.Outcome);
        Assert.Contains("allowlisted on host-b", import.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(scanner.IPv4, await fleet.B.KernelBansAsync());
    }

    [Fact]
    public async Task With_consensus_2_a_third_host_bans_once_a_second_host_reports_the_same_scanner()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        await using var c = new DaemonLab(scanners: 0, clients: 0, 22);
        // A and B only report (fleet import off): B must see the scanner itself, not drop it as an imported ban.
        var reportOnly = new global::PortVeil.Daemon.Fleet.FleetOptions { Enabled = false };
        await fleet.A.StartAsync(fleet.Stages(fleet.A, "host-a", "postgres", reportOnly));
        await fleet.B.StartAsync(fleet.Stages(fleet.B, "host-b", "host_b", reportOnly));
        await c.StartAsync(fleet.Stages(c, "host-c", "postgres", new global::PortVeil.Daemon.Fleet.FleetOptions { Enabled = true, Consensus = 2 }));
        Assert.True(await FleetPair.WaitUntilAsync(() => c.Daemon!.Fleet!.Listening));
        var address = fleet.A.Lab.Scanners[0].IPv4;

        Nmap.Scan(fleet.A.Lab.Scanners[0], LabTopology.ServerIPv4, SynScan);
        Assert.Contains(address, await fleet.A.WaitForBanAsync(address));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.DoesNotContain(address, await c.KernelBansAsync());

        // The same address scans host B (B's lab has its own scanner at that address): a second host reports it.
        Nmap.Scan(fleet.B.Lab.Scanners[0], LabTopology.ServerIPv4, SynScan);
        Assert.Contains(address, await fleet.B.WaitForBanAsync(address));

        Assert.Contains(address, await c.WaitForBanAsync(address));

        // C imported host B's ban (the one that made two reports); A's, pending until then, may follow at the next
        // catch-up: the same element, the later expiry.
        var store = c.Daemon!.Store!;
        var byHost = (await store.ListBanHistoryAsync(BanTarget.ForAddress(Core.NetAddress.Parse(address)))).ToDictionary(b => b.Ban.OriginHost);
        Assert.Equal(["host-a", "host-b"], byHost.Keys.Order());
        Assert.Contains(await store.ListFleetImportsAsync(byHost["host-b"].Ban.Id), i => i.Host == "host-c" && i.Outcome == FleetImportOutcome.Enforced);
        Assert.Contains(await store.ListFleetImportsAsync(byHost["host-a"].Ban.Id), i => i.Host == "host-c");
        Assert.InRange(c.Daemon.Fleet!.Imported, 1, 2);
    }

    [Fact]
    public async Task A_restarted_host_keeps_imported_bans_as_their_origins_and_drops_one_lifted_while_it_was_down()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        await fleet.StartAsync();
        var scanner = fleet.A.Lab.Scanners[0];
        const string Manual = "192.0.2.99";
        Nmap.Scan(scanner, LabTopology.ServerIPv4, SynScan);
        Assert.Contains(scanner.IPv4, await fleet.B.WaitForBanAsync(scanner.IPv4));
        var manual = await fleet.A.Daemon!.Operator!.BanAsync(NetPrefix.ForAddress(NetAddress.Parse(Manual)), TimeSpan.FromHours(1), "test", CancellationToken.None);
        Assert.Equal(OperatorStatus.Done, manual.Status);
        Assert.Contains(Manual, await fleet.B.WaitForBanAsync(Manual));

        // B stops (its kernel bans stay), and while it is down an operator on A lifts the scanner's ban.
        await fleet.B.StopAsync();
        var unban = await fleet.A.Daemon.Operator.UnbanAsync(NetPrefix.ForAddress(NetAddress.Parse(scanner.IPv4)), CancellationToken.None);
        Assert.Equal(OperatorStatus.Done, unban.Status);
        Assert.DoesNotContain(scanner.IPv4, await fleet.A.KernelBansAsync());

        await fleet.B.StartAsync(fleet.Stages(fleet.B, "host-b", "host_b", new FleetOptions { Enabled = true }));

        // Recovery at start: the lifted ban leaves B's kernel, the other stays A's ban; B records nothing as its own.
        var bans = await fleet.B.KernelBansAsync();
        Assert.DoesNotContain(scanner.IPv4, bans);
        Assert.Contains(Manual, bans);
        Assert.Equal("0", fleet.Cluster.Sql(fleet.Database, "SELECT count(*) FROM bans WHERE origin_host = 'host-b'"));
        Assert.True(LabTcpClient.TryConnect(fleet.B.Lab.Scanners[0], LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(6)), "the unbanned address connects to B again");
    }

    [Fact]
    public async Task An_operator_unban_on_host_a_lifts_the_imported_bans_on_host_b_by_notify_not_by_the_poll()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        await fleet.StartAsync();
        var scanner = fleet.A.Lab.Scanners[0];
        Nmap.Scan(scanner, LabTopology.ServerIPv4, SynScan);
        Assert.Contains(scanner.IPv4, await fleet.B.WaitForBanAsync(scanner.IPv4));
        Assert.False(LabTcpClient.TryConnect(fleet.B.Lab.Scanners[0], LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(2)), "banned on B");

        // Ten manual bans on A, imported by B, then lifted one by one on A: each unban's way into B's kernel, timed.
        var manual = Enumerable.Range(0, 10).Select(i => $"192.0.2.{100 + i}").ToArray();
        foreach (var address in manual)
        {
            Assert.Equal(OperatorStatus.Done, (await fleet.A.Daemon!.Operator!.BanAsync(NetPrefix.ForAddress(NetAddress.Parse(address)), TimeSpan.FromHours(1), "test", CancellationToken.None)).Status);
        }

        Assert.True(await FleetPair.WaitUntilAsync(() => manual.All(fleet.B.KernelBansAsync().GetAwaiter().GetResult().Contains)), "B imports the manual bans");
        var wokenBefore = fleet.B.Daemon!.OperatorSyncWokenPasses;
        var lags = new List<double>();
        foreach (var address in manual.Prepend(scanner.IPv4))
        {
            var unban = await fleet.A.Daemon!.Operator!.UnbanAsync(NetPrefix.ForAddress(NetAddress.Parse(address)), CancellationToken.None);
            Assert.Equal(OperatorStatus.Done, unban.Status);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while ((await fleet.B.KernelBansAsync()).Contains(address) && clock.Elapsed < TestTimeouts.Event)
            {
                await Task.Delay(2);
            }

            Assert.DoesNotContain(address, await fleet.B.KernelBansAsync());
            lags.Add(clock.Elapsed.TotalMilliseconds);
        }

        // Every end was heard as a NOTIFY and woke B's operator-sync loop (not its one-second poll).
        Assert.True(fleet.B.Daemon.Fleet!.EndsHeard >= manual.Length + 1, $"ends heard: {fleet.B.Daemon.Fleet.EndsHeard}");
        Assert.True(fleet.B.Daemon.OperatorSyncWokenPasses > wokenBefore, "B's operator-sync loop was woken by the notifications");
        Assert.True(LabTcpClient.TryConnect(fleet.B.Lab.Scanners[0], LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(6)), "the unbanned scanner address connects to B again");
        lags.Sort();
        output.WriteLine(System.FormattableString.Invariant(
            $"unban A -> gone from B's kernel (incl. 2 ms polling of nft list): n={lags.Count} p50={lags[lags.Count / 2]:0.0} ms max={lags[^1]:0.0} ms; all: {string.Join(", ", lags.Select(l => l.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}"));
    }
}
