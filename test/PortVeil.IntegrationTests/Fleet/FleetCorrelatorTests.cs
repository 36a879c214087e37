using Microsoft.Extensions.Logging.Abstractions;
using PortVeil.Core;
using PortVeil.Daemon.Fleet;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Nftables;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;
using PortVeil.Storage.Postgres;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Fleet;

/// <summary>
/// <see cref="FleetCorrelator"/> against a real PostgreSQL and a real nftables table in a test namespace per host:
/// one ban per scanner when hosts race, the allowlist and the budget still decide.
/// </summary>
public sealed class FleetCorrelatorTests(FleetClusterFixture fixture) : IClassFixture<FleetClusterFixture>, IDisposable
{
    private static readonly FleetOptions Options = new() { Enabled = true, CorrelationHosts = 3, CorrelationFailures = 6 };
    private readonly string _database = fixture.Cluster.CreateDatabase("pvcorr");
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        fixture.Cluster.Sql("postgres", $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }

    [Fact]
    public async Task Three_hosts_correlating_the_same_scanner_at_once_make_one_ban_with_evidence_naming_hosts_and_ports()
    {
        var hosts = new[] { await HostAsync("host-a"), await HostAsync("host-b"), await HostAsync("host-c") };
        var scanner = NetAddress.Parse("203.0.113.50");
        await LightProbesAsync(hosts[0].Store, scanner);

        var made = await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Correlator.CorrelateOnceAsync(CancellationToken.None))));

        Assert.Equal(1, made.Sum());
        var bans = await hosts[0].Store.ListBanHistoryAsync(BanTarget.ForAddress(scanner));
        var ban = Assert.Single(bans);
        Assert.Equal(DetectorKind.Distributed, ban.Ban.Detector);
        var winner = Assert.Single(hosts, h => h.Name == ban.Ban.OriginHost);
        Assert.Contains(await winner.Enforcer.ListAsync(), b => b.Source == SourceKey.ForAddress(scanner));
        foreach (var loser in hosts.Where(h => h != winner))
        {
            // The others leave it to their importer (the NOTIFY path): nothing in their kernel from the correlator.
            Assert.DoesNotContain(await loser.Enforcer.ListAsync(), b => b.Source == SourceKey.ForAddress(scanner));
        }

        var evidence = Assert.Single(await hosts[0].Store.ListIncidentsByBanAsync(ban.Ban.Id)).Verdict.Evidence;
        Assert.Equal(3, evidence.HostsProbed);
        Assert.Equal(7, evidence.Probes);
        Assert.Equal(new ushort[] { 22, 23, 80, 81, 82, 3389, 5900 }, evidence.ClosedPorts.Order());
        Assert.Contains("host-a 2 (ports 22,23)", evidence.Summary, StringComparison.Ordinal);
        Assert.Contains("host-c 2 (ports 3389,5900)", evidence.Summary, StringComparison.Ordinal);

        // A later pass finds it banned already: no second ban.
        Assert.Equal(0, await hosts[1].Correlator.CorrelateOnceAsync(CancellationToken.None));
        Assert.Single(await hosts[0].Store.ListBanHistoryAsync(BanTarget.ForAddress(scanner)));
    }

    [Fact]
    public async Task An_allowlisted_correlated_source_is_not_banned_and_is_not_asked_again_within_the_window()
    {
        var scanner = NetAddress.Parse("203.0.113.51");
        var host = await HostAsync("host-a", allow: NetPrefix.ForAddress(scanner));
        await LightProbesAsync(host.Store, scanner);

        Assert.Equal(0, await host.Correlator.CorrelateOnceAsync(CancellationToken.None));
        Assert.Equal(0, await host.Correlator.CorrelateOnceAsync(CancellationToken.None));

        Assert.Empty(await host.Store.ListBanHistoryAsync(BanTarget.ForAddress(scanner)));
        Assert.Empty(await host.Enforcer.ListAsync());
        Assert.Equal(1, host.Policy.Counters.SkippedAllowlisted);
    }

    [Fact]
    public async Task The_ban_budget_holds_for_correlated_sources()
    {
        var host = await HostAsync("host-a", bansPerMinute: 1);
        var first = NetAddress.Parse("203.0.113.52");
        var second = NetAddress.Parse("203.0.113.53");
        await LightProbesAsync(host.Store, first);
        await LightProbesAsync(host.Store, second);

        Assert.Equal(1, await host.Correlator.CorrelateOnceAsync(CancellationToken.None));

        Assert.Single(await host.Enforcer.ListAsync());
        Assert.Single(await host.Store.ListBansStartedSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-1)));
    }

    // Two or three closed ports on each of three hosts, this minute: 7 failures, every host below its own thresholds.
    private static Task LightProbesAsync(PostgresStore store, NetAddress scanner)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        EventAggregate Row(string host, long packets, string ports) => new()
        {
            Source = scanner,
            BucketStartMs = EventAggregate.BucketOf(now),
            Protocol = IpProtocol.Tcp,
            Tag = PacketTag.Unserved,
            Packets = packets,
            DistinctPorts = (int)packets,
            FirstSeenMs = now,
            LastSeenMs = now,
            OriginHost = host,
            Ports = ports,
        };
        return store.AddEventsAsync([Row("host-a", 2, "22,23"), Row("host-b", 3, "80,81,82"), Row("host-c", 2, "3389,5900")]);
    }

    [Fact]
    public async Task Nine_sources_of_one_24_each_probing_one_port_a_host_on_three_hosts_make_one_capped_24_ban_naming_hosts_sources_and_ports()
    {
        var hosts = new[] { await HostAsync("host-a"), await HostAsync("host-b"), await HostAsync("host-c") };
        await SweepAsync(hosts[0].Store, "198.51.100", sources: 9);

        var made = await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Correlator.CorrelateOnceAsync(CancellationToken.None))));

        // One ban for the fleet, of the whole /24 (no member alone), capped like a local campaign ban.
        Assert.Equal(1, made.Sum());
        var subnet = new BanTarget(NetAddress.Parse("198.51.100.0"), 24);
        var ban = Assert.Single(await hosts[0].Store.ListBanHistoryAsync(subnet)).Ban;
        Assert.Empty(await hosts[0].Store.ListBanHistoryAsync(BanTarget.ForAddress(NetAddress.Parse("198.51.100.110"))));
        Assert.Equal(DetectorKind.Distributed, ban.Detector);
        Assert.True(ban.ExpiresAt - ban.StartedAt <= TimeSpan.FromMinutes(10), "capped at policy.campaign_ban_time");
        Assert.Contains("campaign: a distributed scan named 9 members of 198.51.100.0/24", ban.Reason, StringComparison.Ordinal);
        Assert.Contains("correlated across the fleet: 9 sources of 198.51.100.0/24 (limit 8) on hosts host-a, host-b, host-c", ban.Reason, StringComparison.Ordinal);
        var winner = Assert.Single(hosts, h => h.Name == ban.OriginHost);
        Assert.Contains(await winner.Enforcer.ListAsync(), b => b.Source.ToString() == "198.51.100.0/24");
        Assert.Equal(1, winner.Correlator.PrefixBans);

        var evidence = Assert.Single(await hosts[0].Store.ListIncidentsByBanAsync(ban.Id)).Verdict.Evidence;
        Assert.Equal(3, evidence.HostsProbed);
        Assert.Equal(9, evidence.GroupMembers.Count);
        Assert.Equal(SweepPorts(), evidence.ClosedPorts.Order());
        Assert.Contains("9 sources failed on 3 hosts, 9 unserved ports, 27 failed probes (thresholds 8 sources, 3 hosts, 6 ports)", evidence.Summary, StringComparison.Ordinal);
        Assert.Contains("host-a: 198.51.100.110 (2000),", evidence.Summary, StringComparison.Ordinal);
        Assert.Contains("host-c: 198.51.100.110 (2006),", evidence.Summary, StringComparison.Ordinal);

        // A later pass finds the /24 banned: nothing more.
        Assert.Equal(0, await hosts[1].Correlator.CorrelateOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_correlated_24_holding_an_allowlisted_address_is_not_banned_whole_and_only_members_that_failed_more_than_once_are_banned()
    {
        var host = await HostAsync("host-a", allow: NetPrefix.ForAddress(NetAddress.Parse("198.51.100.77")));
        await SweepAsync(host.Store, "198.51.100", sources: 9, onlyFirstHostFrom: 5);

        Assert.Equal(5, await host.Correlator.CorrelateOnceAsync(CancellationToken.None));
        Assert.Equal(0, await host.Correlator.CorrelateOnceAsync(CancellationToken.None));

        // No element covers the allowlisted .77: the members that probed all three hosts are banned one by one, the
        // four single-probe (forgeable) members not at all.
        Assert.Empty(await host.Store.ListBanHistoryAsync(new BanTarget(NetAddress.Parse("198.51.100.0"), 24)));
        var kernel = (await host.Enforcer.ListAsync()).Select(b => b.Source.ToString()).Order().ToList();
        Assert.Equal(Enumerable.Range(110, 5).Select(i => $"198.51.100.{i}"), kernel);
    }

    [Fact]
    public async Task With_campaign_bans_off_only_members_that_failed_often_enough_across_the_fleet_are_banned_one_by_one()
    {
        var host = await HostAsync("host-a", policy: new PolicyOptions { CampaignMembers = 0, SubnetBanMembers = 0 });
        // Sources .110-.114 probed every host (3 failures each); .115-.118 one host only (a single, forgeable SYN).
        await SweepAsync(host.Store, "198.51.100", sources: 9, onlyFirstHostFrom: 5);

        Assert.Equal(5, await host.Correlator.CorrelateOnceAsync(CancellationToken.None));

        var kernel = (await host.Enforcer.ListAsync()).Select(b => b.Source.ToString()).Order().ToList();
        Assert.Equal(Enumerable.Range(110, 5).Select(i => $"198.51.100.{i}"), kernel);
        var ban = Assert.Single(await host.Store.ListBanHistoryAsync(BanTarget.ForAddress(NetAddress.Parse("198.51.100.114")))).Ban;
        Assert.Contains("correlated across the fleet: 9 sources of 198.51.100.0/24", ban.Reason, StringComparison.Ordinal);
        Assert.Equal(5, host.Correlator.PrefixBans);
    }

    [Fact]
    public async Task Nine_sources_of_one_64_sweeping_three_hosts_make_one_64_ban()
    {
        var host = await HostAsync("host-a");
        await SweepAsync(host.Store, "2001:db8:77::", sources: 9);

        Assert.Equal(1, await host.Correlator.CorrelateOnceAsync(CancellationToken.None));

        var ban = Assert.Single(await host.Store.ListBanHistoryAsync(new BanTarget(NetAddress.Parse("2001:db8:77::"), 64))).Ban;
        Assert.Equal(DetectorKind.Distributed, ban.Detector);
        Assert.Contains(await host.Enforcer.ListAsync(), b => b.Source.ToString() == "2001:db8:77::/64");
    }

    // Every port of the sweep: 2000-2008.
    private static ushort[] SweepPorts() => [.. Enumerable.Range(2000, 9).Select(p => (ushort)p)];

    // A distributed sweep: source i of the prefix (…110 + i, or …::110 + i) sends one SYN to each of three hosts,
    // host h seeing ports 2000+3h … 2002+3h (3 per host, 9 in all). Sources from onlyFirstHostFrom on reach host-a only.
    private static Task SweepAsync(PostgresStore store, string prefix, int sources, int onlyFirstHostFrom = int.MaxValue)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rows = new List<EventAggregate>();
        string[] names = ["host-a", "host-b", "host-c"];
        for (var i = 0; i < sources; i++)
        {
            var source = NetAddress.Parse(prefix.Contains(':', StringComparison.Ordinal) ? $"{prefix}{110 + i:x}" : $"{prefix}.{110 + i}");
            for (var h = 0; h < (i >= onlyFirstHostFrom ? 1 : 3); h++)
            {
                rows.Add(new EventAggregate
                {
                    Source = source,
                    BucketStartMs = EventAggregate.BucketOf(now),
                    Protocol = IpProtocol.Tcp,
                    Tag = PacketTag.Unserved,
                    Packets = 1,
                    DistinctPorts = 1,
                    FirstSeenMs = now,
                    LastSeenMs = now,
                    OriginHost = names[h],
                    Ports = (2000 + (3 * h) + (i % 3)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
            }
        }

        return store.AddEventsAsync(rows);
    }

    private async Task<Host> HostAsync(string name, NetPrefix? allow = null, int bansPerMinute = 60, PolicyOptions? policy = null)
    {
        var store = PostgresStore.Open(new PostgresStoreOptions { ConnectionString = fixture.Cluster.ConnectionString(_database) });
        _owned.Add(store);
        var ns = NetworkNamespace.Create("corr");
        _owned.Add(ns);
        var enforcer = ns.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Watchdog = false }));
        _owned.Add(enforcer);
        await enforcer.EnsureTableAsync();
        var allowlist = allow is { } a
            ? AllowlistIndex.Create([new AllowlistEntry(a, AllowlistSource.Static, "test")])
            : AllowlistIndex.ReservedOnly;
        policy ??= new PolicyOptions();
        policy.BansPerMinute = bansPerMinute;
        var banPolicy = new BanPolicy(policy, allowlist, new InMemoryOffenceHistory());
        var correlator = new FleetCorrelator(store, banPolicy, enforcer, Options, name, NullLogger.Instance);
        return new Host(name, store, enforcer, banPolicy, correlator);
    }

    private sealed record Host(string Name, PostgresStore Store, NftEnforcer Enforcer, BanPolicy Policy, FleetCorrelator Correlator);
}
