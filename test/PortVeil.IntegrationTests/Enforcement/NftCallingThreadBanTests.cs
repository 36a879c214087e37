using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Interop;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

/// <summary>
/// <see cref="NftEnforcer.Ban"/>, the daemon's hop-free ban: fresh bans as one nf_tables netlink batch on a socket
/// opened in the enforcer's namespace, renewals through libnftables on the calling thread (or its own thread when
/// the caller is elsewhere). Whatever thread calls, the ban lands in the enforcer's namespace and nowhere else.
/// </summary>
public class NftCallingThreadBanTests
{
    private static SourceKey V4(string a) => SourceKey.ForAddress(NetAddress.Parse(a));

    private static NftEnforcer EnforcerFor(ServerAndScanner net) =>
        new(new NftEnforcerOptions { NetworkNamespacePath = Path.Combine("/var/run/netns", net.Server.Name), Watchdog = false });

    [Fact]
    public async Task A_fresh_ban_takes_the_netlink_fast_path_with_its_timeout_and_counter_and_drops_the_scanner()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = EnforcerFor(net);
        await enforcer.EnsureTableAsync();
        Assert.True(net.Ping(ServerAndScanner.ServerV4), "ping before the ban");

        NetworkNamespaceJoin.Run(Path.Combine("/var/run/netns", net.Server.Name), () =>
        {
            enforcer.Ban([new BanRequest(V4(ServerAndScanner.ScannerV4), TimeSpan.FromMinutes(7))]);
            return 0;
        });

        Assert.Equal(1, enforcer.FastPathBans);
        Assert.False(net.Ping(ServerAndScanner.ServerV4), "ping during the ban");
        var ban = Assert.Single(await enforcer.ListAsync());
        Assert.Equal(V4(ServerAndScanner.ScannerV4), ban.Source);
        Assert.Equal(TimeSpan.FromMinutes(7), ban.Timeout);
        Assert.True(ban.Packets > 0, "the element got the set's counter and it counted the dropped ping");
    }

    [Fact]
    public async Task Fresh_ipv6_and_prefix64_bans_take_the_fast_path_and_drop_the_scanner()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = EnforcerFor(net);
        await enforcer.EnsureTableAsync();
        Assert.True(ServerAndScanner.WaitUntil(() => net.Ping(ServerAndScanner.ServerV6), TestTimeouts.Event), "ping6 before the ban");

        var other64 = SourceKey.ForPrefix64(NetAddress.Parse(ServerAndScanner.ScannerOther64A));
        enforcer.Ban([new BanRequest(SourceKey.ForAddress(NetAddress.Parse(ServerAndScanner.ScannerV6)), TimeSpan.FromMinutes(5))]);
        enforcer.Ban([new BanRequest(other64, TimeSpan.FromMinutes(5))]);

        Assert.Equal(2, enforcer.FastPathBans);
        Assert.False(net.Ping(ServerAndScanner.ServerV6), "ping6 during the ban");
        var bans = await enforcer.ListAsync();
        Assert.Contains(bans, b => b.Source == other64 && b.Timeout == TimeSpan.FromMinutes(5));
        Assert.Equal(2, bans.Count);
    }

    [Fact]
    public async Task Ban_from_a_thread_outside_the_namespace_still_lands_in_the_enforcers_namespace_only()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = EnforcerFor(net);
        await enforcer.EnsureTableAsync();

        // The test thread never left the initial namespace; the fast path's socket was opened in the server's.
        Assert.False(NetworkNamespaceJoin.IsCurrentThreadIn(Path.Combine("/var/run/netns", net.Server.Name)));
        enforcer.Ban([new BanRequest(V4(ServerAndScanner.ScannerV4), TimeSpan.FromMinutes(5))]);

        Assert.False(net.Ping(ServerAndScanner.ServerV4), "ping during the ban");
        Assert.Contains(ServerAndScanner.ScannerV4, net.Server.Exec("nft", "list", "set", "inet", "portveil", "banned4").EnsureSuccess("nft list").StdOut);
        Assert.DoesNotContain("portveil", net.Scanner.Exec("nft", "list", "tables").StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renewal_goes_through_libnftables_on_the_calling_thread_and_gets_the_new_timeout()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = EnforcerFor(net);
        await enforcer.EnsureTableAsync();

        NetworkNamespaceJoin.Run(Path.Combine("/var/run/netns", net.Server.Name), () =>
        {
            enforcer.Ban([new BanRequest(V4(ServerAndScanner.ScannerV4), TimeSpan.FromSeconds(30))]);
            enforcer.Ban([new BanRequest(V4(ServerAndScanner.ScannerV4), TimeSpan.FromMinutes(20))]);
            return 0;
        });

        Assert.Equal(1, enforcer.FastPathBans);
        var ban = Assert.Single(await enforcer.ListAsync());
        Assert.Equal(TimeSpan.FromMinutes(20), ban.Timeout);
    }

    [Fact]
    public async Task A_fast_ban_into_a_deleted_table_falls_back_and_fails_with_the_nft_error()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = EnforcerFor(net);
        await enforcer.EnsureTableAsync();
        net.Server.Exec("nft", "delete", "table", "inet", "portveil").EnsureSuccess("nft delete table");

        Assert.Throws<NftException>(() => enforcer.Ban([new BanRequest(V4(ServerAndScanner.ScannerV4), TimeSpan.FromMinutes(5))]));

        Assert.Equal(0, enforcer.FastPathBans);
        Assert.Equal(2, enforcer.LastFastPathError); // ENOENT: no such table
        Assert.True(net.Ping(ServerAndScanner.ServerV4), "nothing was banned");
    }
}
