using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

public class NftBanTests
{
    private static SourceKey V4(string a) => SourceKey.ForAddress(NetAddress.Parse(a));

    [Fact]
    public async Task A_ban_drops_the_scanners_packets_and_expires_on_time()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        Assert.True(net.Ping(ServerAndScanner.ServerV4), "ping before the ban");

        await enforcer.BanAsync([new BanRequest(V4(ServerAndScanner.ScannerV4), TimeSpan.FromSeconds(3))]);

        Assert.False(net.Ping(ServerAndScanner.ServerV4), "ping during the ban");
        Assert.True(net.RawDrops() > 0, "the raw chain's counter shows the drop");
        var ban = Assert.Single(await enforcer.ListAsync());
        Assert.Equal(V4(ServerAndScanner.ScannerV4), ban.Source);
        Assert.Equal(TimeSpan.FromSeconds(3), ban.Timeout);
        Assert.True(ban.Packets > 0, "the element's own counter shows the drop");

        Assert.True(ServerAndScanner.WaitUntil(() => net.Ping(ServerAndScanner.ServerV4), TestTimeouts.Event), "ping after expiry");
        Assert.Empty(await enforcer.ListAsync());
    }

    [Fact]
    public async Task An_IPv6_ban_drops_the_scanners_packets_and_an_unban_lifts_it()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        Assert.True(ServerAndScanner.WaitUntil(() => net.Ping(ServerAndScanner.ServerV6), TestTimeouts.Event), "ping6 before the ban");

        var key = SourceKey.ForAddress(NetAddress.Parse(ServerAndScanner.ScannerV6));
        await enforcer.BanAsync([new BanRequest(key, TimeSpan.FromMinutes(10))]);
        Assert.False(net.Ping(ServerAndScanner.ServerV6), "ping6 during the ban");
        Assert.True(net.RawDrops() > 0);

        await enforcer.UnbanAsync([key]);
        Assert.True(net.Ping(ServerAndScanner.ServerV6), "ping6 after unban");
        await enforcer.UnbanAsync([key]); // unbanning twice is not an error
    }

    [Fact]
    public async Task A_64_ban_blocks_another_address_of_that_64_and_nothing_else()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        Assert.True(ServerAndScanner.WaitUntil(() => net.Ping(ServerAndScanner.ServerV6, ServerAndScanner.ScannerOther64B), TestTimeouts.Event));

        await enforcer.BanAsync([new BanRequest(SourceKey.ForPrefix64(NetAddress.Parse(ServerAndScanner.ScannerOther64A)), TimeSpan.FromMinutes(10))]);

        Assert.False(net.Ping(ServerAndScanner.ServerV6, ServerAndScanner.ScannerOther64B), "another address of the banned /64");
        Assert.True(net.Ping(ServerAndScanner.ServerV6, ServerAndScanner.ScannerV6), "an address of another /64");
        var ban = Assert.Single(await enforcer.ListAsync());
        Assert.Equal(SourceKeyKind.IPv6Prefix64, ban.Source.Kind);
        Assert.Equal("2001:db8:2::/64", ban.Source.ToString());
    }

    [Fact]
    public async Task A_batch_of_bans_is_one_transaction_and_a_reban_takes_the_new_duration()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        var batch = new List<BanRequest>();
        for (var i = 10; i < 60; i++)
        {
            batch.Add(new BanRequest(V4($"203.0.113.{i}"), TimeSpan.FromMinutes(5)));
        }

        batch.Add(new BanRequest(SourceKey.ForAddress(NetAddress.Parse("2001:db8:9::1")), TimeSpan.FromMinutes(5)));
        await enforcer.BanAsync(batch);
        Assert.Equal(51, (await enforcer.ListAsync()).Count);

        await enforcer.BanAsync([new BanRequest(V4("203.0.113.10"), TimeSpan.FromHours(2))]);
        var bans = await enforcer.ListAsync();
        Assert.Equal(TimeSpan.FromHours(2), bans.Single(b => b.Source == V4("203.0.113.10")).Timeout);
    }

    [Fact]
    public async Task An_allowlisted_source_is_never_dropped_even_when_banned_or_scanning()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer(new PortVeil.Enforcement.Nftables.PortVeilRulesetOptions { ReflexThreshold = 2 });
        await enforcer.EnsureTableAsync();
        await enforcer.SetAllowListAsync([(NetAddress.Parse("198.51.100.0"), 24)]);

        await enforcer.BanAsync([new BanRequest(V4(ServerAndScanner.ScannerV4), TimeSpan.FromMinutes(5))]);
        Assert.True(net.Ping(ServerAndScanner.ServerV4), "allowlist beats a ban");

        // Five unserved openers would trip a reflex threshold of 2, but allowlisted sources never reach the meter.
        for (var port = 3000; port < 3005; port++)
        {
            net.Scanner.Exec("hping3", ["-S", "-c", "1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), ServerAndScanner.ServerV4], TestTimeouts.Command);
        }

        Assert.DoesNotContain(await enforcer.ListAsync(), b => b.ByReflex);
        Assert.Equal(0, net.RawDrops());
    }
}
