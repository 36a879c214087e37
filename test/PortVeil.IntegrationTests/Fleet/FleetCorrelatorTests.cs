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

    private async Task<Host> HostAsync(string name, NetPrefix? allow = null, int bansPerMinute = 60)
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
        var policy = new BanPolicy(new PolicyOptions { BansPerMinute = bansPerMinute }, allowlist, new InMemoryOffenceHistory());
        var correlator = new FleetCorrelator(store, policy, enforcer, Options, name, NullLogger.Instance);
        return new Host(name, store, enforcer, policy, correlator);
    }

    private sealed record Host(string Name, PostgresStore Store, NftEnforcer Enforcer, BanPolicy Policy, FleetCorrelator Correlator);
}
