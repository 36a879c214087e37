using PortVeil.Core;
using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests.Postgres;

/// <summary>Cross-host correlation (schema version 5): per-host event rows, the correlation query, one ban per scanner.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresCorrelationTests(PostgresClusterFixture cluster) : IDisposable
{
    private readonly PostgresTestDatabase _db = cluster.NewDatabase();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Event_rows_of_two_hosts_for_one_source_and_minute_stay_apart_with_their_ports()
    {
        using var store = _db.Open();
        var scanner = Some.Address(40);
        await store.AddEventsAsync([
            Some.Event(scanner, Some.T0, packets: 2, ports: 2) with { OriginHost = "host-a", Ports = "22,23" },
            Some.Event(scanner, Some.T0, packets: 3, ports: 3) with { OriginHost = "host-b", Ports = "80,81,82" },
        ]);

        // A second part of host-a's minute (an early flush) adds up in host-a's row and extends its port sample.
        await store.AddEventsAsync([Some.Event(scanner, Some.T0, packets: 1, ports: 1) with { OriginHost = "host-a", Ports = "25" }]);

        var rows = await store.ListEventsAsync(Some.T0.AddMinutes(-1), Some.T0.AddMinutes(1), scanner);

        Assert.Equal(2, rows.Count);
        var a = Assert.Single(rows, r => r.OriginHost == "host-a");
        var b = Assert.Single(rows, r => r.OriginHost == "host-b");
        Assert.Equal(3, a.Packets);
        Assert.Equal("22,23,25", a.Ports);
        Assert.Equal(3, b.Packets);
        Assert.Equal("80,81,82", b.Ports);
    }

    [Fact]
    public async Task A_source_failing_lightly_on_three_hosts_is_found_with_each_hosts_ports_and_others_are_not()
    {
        using var store = _db.Open();
        var scanner = Some.Address(41);
        var loud = Some.Address(42);
        var guest = Some.Address(43);
        await store.AddEventsAsync([
            Some.Event(scanner, Some.T0, packets: 2, ports: 2) with { OriginHost = "host-a", Ports = "22,23" },
            Some.Event(scanner, Some.T0.AddMinutes(1), packets: 3, ports: 3) with { OriginHost = "host-b", Ports = "80,81,82" },
            Some.Event(scanner, Some.T0.AddMinutes(1), packets: 2, ports: 2) with { OriginHost = "host-c", Ports = "3389,5900" },

            // Many failures, but on one host only: that host's own detectors judge it.
            Some.Event(loud, Some.T0, packets: 50, ports: 50) with { OriginHost = "host-a", Ports = "1,2,3,4,5,6,7,8" },

            // Three hosts, but served ports (successes), not failures.
            Some.Event(guest, Some.T0, packets: 5, ports: 1, tag: PacketTag.Served) with { OriginHost = "host-a", Ports = "443" },
            Some.Event(guest, Some.T0, packets: 5, ports: 1, tag: PacketTag.Served) with { OriginHost = "host-b", Ports = "443" },
            Some.Event(guest, Some.T0, packets: 5, ports: 1, tag: PacketTag.Served) with { OriginHost = "host-c", Ports = "443" },
        ]);
        var now = Some.T0.AddMinutes(2);

        var found = await store.FindCorrelatedSourcesAsync(Some.T0.AddMinutes(-5), now, minHosts: 3, minFailures: 6);

        var s = Assert.Single(found);
        Assert.Equal(scanner, s.Source);
        Assert.Equal(7, s.TotalFailures);
        Assert.Equal(["host-a", "host-b", "host-c"], s.Hosts.Select(h => h.Host));
        Assert.Equal([(ushort)22, 23], s.Hosts[0].Ports);
        Assert.Equal([(ushort)3389, 5900], s.Hosts[2].Ports);

        // Each threshold holds on its own.
        Assert.Empty(await store.FindCorrelatedSourcesAsync(Some.T0.AddMinutes(-5), now, minHosts: 4, minFailures: 6));
        Assert.Empty(await store.FindCorrelatedSourcesAsync(Some.T0.AddMinutes(-5), now, minHosts: 3, minFailures: 8));

        // Rows before the window do not count: host-a's minute is left out, two hosts remain.
        Assert.Empty(await store.FindCorrelatedSourcesAsync(Some.T0.AddMinutes(1), now, minHosts: 3, minFailures: 2));
        Assert.Single(await store.FindCorrelatedSourcesAsync(Some.T0.AddMinutes(1), now, minHosts: 2, minFailures: 2));
    }

    [Fact]
    public async Task A_24_whose_sources_each_failed_once_on_three_hosts_is_found_per_prefix_and_banned_members_and_prefixes_are_left_out()
    {
        using var store = _db.Open();
        var rows = new List<EventAggregate>();
        string[] hosts = ["host-a", "host-b", "host-c"];
        for (var i = 0; i < 4; i++)
        {
            foreach (var h in hosts)
            {
                rows.Add(Some.Event(NetAddress.Parse($"198.51.100.{10 + i}"), Some.T0, packets: 1, ports: 1) with { OriginHost = h, Ports = $"{2000 + i}" });
                rows.Add(Some.Event(NetAddress.Parse($"2001:db8:5::{10 + i}"), Some.T0, packets: 1, ports: 1) with { OriginHost = h, Ports = $"{3000 + i}" });
            }
        }

        // Four sources of another /24 on one host only, and served (successful) rows from a third /24.
        for (var i = 0; i < 4; i++)
        {
            rows.Add(Some.Event(NetAddress.Parse($"192.0.2.{10 + i}"), Some.T0, packets: 1, ports: 1) with { OriginHost = "host-a", Ports = "22" });
            foreach (var h in hosts)
            {
                rows.Add(Some.Event(NetAddress.Parse($"203.0.113.{10 + i}"), Some.T0, packets: 1, ports: 1, tag: PacketTag.Served) with { OriginHost = h, Ports = "443" });
            }
        }

        await store.AddEventsAsync(rows);
        var now = Some.T0.AddMinutes(1);

        var found = await store.FindCorrelatedPrefixesAsync(Some.T0.AddMinutes(-5), now, minSources: 4, minHosts: 3);

        Assert.Equal(["198.51.100.0/24", "2001:db8:5::/64"], found.Select(p => $"{p.Network}/{p.Length}").Order());
        var v4 = Assert.Single(found, p => p.Network.IsIPv4);
        Assert.Equal(12, v4.Rows.Count);
        Assert.Equal(4, v4.Rows.Select(r => r.Source).Distinct().Count());
        Assert.Equal([(ushort)2000], v4.Rows[0].Ports);
        Assert.Empty(await store.FindCorrelatedPrefixesAsync(Some.T0.AddMinutes(-5), now, minSources: 5, minHosts: 3));
        Assert.Empty(await store.FindCorrelatedPrefixesAsync(Some.T0.AddMinutes(-5), now, minSources: 4, minHosts: 4));

        // One member banned alone: three sources remain below four. The /64 banned whole: gone.
        await store.RecordBanAsync(Some.Ban(NetAddress.Parse("198.51.100.10"), Some.T0, TimeSpan.FromHours(1)));
        await store.RecordBanAsync(Some.Ban(NetAddress.Parse("2001:db8:5::"), Some.T0, TimeSpan.FromHours(1)) with { Target = new BanTarget(NetAddress.Parse("2001:db8:5::"), 64) });
        Assert.Empty(await store.FindCorrelatedPrefixesAsync(Some.T0.AddMinutes(-5), now, minSources: 4, minHosts: 3));
        Assert.Single(await store.FindCorrelatedPrefixesAsync(Some.T0.AddMinutes(-5), now, minSources: 3, minHosts: 3));
    }

    [Fact]
    public async Task An_operator_unban_is_not_undone_by_the_evidence_it_already_judged_but_new_failures_count_again()
    {
        using var store = _db.Open();
        var scanner = Some.Address(44);
        string[] hosts = ["host-a", "host-b", "host-c"];
        await store.AddEventsAsync([.. hosts.Select(h => Some.Event(scanner, Some.T0, packets: 3, ports: 3) with { OriginHost = h, Ports = "22,23,25" })]);
        var members = Enumerable.Range(10, 9).Select(i => NetAddress.Parse($"198.51.100.{i}")).ToList();
        await store.AddEventsAsync([.. members.SelectMany(m => hosts.Select(h => Some.Event(m, Some.T0, packets: 1, ports: 1) with { OriginHost = h, Ports = "2000" }))]);
        var now = Some.T0.AddMinutes(1);
        var since = Some.T0.AddMinutes(-5);
        Assert.Single(await store.FindCorrelatedSourcesAsync(since, now, minHosts: 3, minFailures: 6));
        Assert.Single(await store.FindCorrelatedPrefixesAsync(since, now, minSources: 8, minHosts: 3));

        // Banned (by correlation, say) and lifted by an operator a minute later: the same rows no longer count.
        var ban = Some.Ban(scanner, Some.T0.AddSeconds(30), TimeSpan.FromHours(1));
        var campaign = Some.Ban(NetAddress.Parse("198.51.100.0"), Some.T0.AddSeconds(30), TimeSpan.FromMinutes(10)) with { Target = new BanTarget(NetAddress.Parse("198.51.100.0"), 24) };
        await store.RecordBanAsync(ban);
        await store.RecordBanAsync(campaign);
        await store.EndBanAsync(new BanEnd(ban.Id, BanEndReason.Unbanned, now));
        await store.EndBanAsync(new BanEnd(campaign.Id, BanEndReason.Unbanned, now));
        Assert.Empty(await store.FindCorrelatedSourcesAsync(since, now, minHosts: 3, minFailures: 6));
        Assert.Empty(await store.FindCorrelatedPrefixesAsync(since, now, minSources: 8, minHosts: 3));

        // The scanner goes on after the unban, on all three hosts: a new decision.
        var later = now.AddMinutes(1);
        await store.AddEventsAsync([.. hosts.Select(h => Some.Event(scanner, later, packets: 2, ports: 2) with { OriginHost = h, Ports = "80,81" })]);
        var found = Assert.Single(await store.FindCorrelatedSourcesAsync(since, later.AddMinutes(1), minHosts: 3, minFailures: 6));
        Assert.Equal(6, found.TotalFailures);
    }

    [Fact]
    public async Task Hosts_racing_to_ban_one_correlated_source_make_exactly_one_ban_and_then_it_is_no_longer_a_candidate()
    {
        using var storeA = _db.Open();
        using var storeB = _db.Open();
        var scanner = Some.Address(44);
        await storeA.AddEventsAsync([
            Some.Event(scanner, Some.T0, packets: 3, ports: 3) with { OriginHost = "host-a", Ports = "22,23,25" },
            Some.Event(scanner, Some.T0, packets: 3, ports: 3) with { OriginHost = "host-b", Ports = "80,81,82" },
        ]);
        var now = Some.T0.AddSeconds(30);
        Assert.Single(await storeA.FindCorrelatedSourcesAsync(Some.T0, now, 2, 6));

        var attempts = new List<Task<bool>>();
        for (var i = 0; i < 6; i++)
        {
            var store = i % 2 == 0 ? storeA : storeB;
            var host = i % 2 == 0 ? "host-a" : "host-b";
            var ban = Some.Ban(scanner, now, TimeSpan.FromHours(1)) with { OriginHost = host, Detector = DetectorKind.Distributed };
            var incident = Some.Incident(scanner, now, ban.Id) with { OriginHost = host };
            attempts.Add(Task.Run(() => store.TryRecordCorrelatedBanAsync(ban, incident, now)));
        }

        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r));
        Assert.Equal("1", cluster.Cluster.Sql(_db.Name, $"SELECT count(*) FROM bans WHERE address = '{scanner}'"));
        Assert.Equal("1", cluster.Cluster.Sql(_db.Name, $"SELECT count(*) FROM incidents WHERE source = '{scanner}'"));
        Assert.Empty(await storeB.FindCorrelatedSourcesAsync(Some.T0, now, 2, 6));

        // Once that ban has expired, the same failures make it a candidate again.
        Assert.Single(await storeB.FindCorrelatedSourcesAsync(Some.T0, now.AddHours(2), 2, 6));
    }

    [Fact]
    public async Task A_dry_run_correlated_ban_never_keeps_a_real_one_out_but_a_real_one_stops_a_second_dry_run()
    {
        using var store = _db.Open();
        var scanner = Some.Address(45);
        var now = Some.T0;
        BanRecord Ban(string host, bool dry) => Some.Ban(scanner, now, TimeSpan.FromHours(1), dryRun: dry) with { OriginHost = host, Detector = DetectorKind.Distributed };

        var dry = Ban("host-a", dry: true);
        Assert.True(await store.TryRecordCorrelatedBanAsync(dry, Some.Incident(scanner, now, dry.Id), now));
        var dryAgain = Ban("host-b", dry: true);
        Assert.False(await store.TryRecordCorrelatedBanAsync(dryAgain, Some.Incident(scanner, now, dryAgain.Id), now));
        var real = Ban("host-c", dry: false);
        Assert.True(await store.TryRecordCorrelatedBanAsync(real, Some.Incident(scanner, now, real.Id), now));
        var realAgain = Ban("host-a", dry: false);
        Assert.False(await store.TryRecordCorrelatedBanAsync(realAgain, Some.Incident(scanner, now, realAgain.Id), now));

        Assert.Equal("2", cluster.Cluster.Sql(_db.Name, $"SELECT count(*) FROM bans WHERE address = '{scanner}'"));
    }
}
