using System.Text.Json;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

/// <summary>IPv4 /24 bans as one kernel element (set banned4_24): every address of the /24 is dropped, seen or not.</summary>
public class NftSubnetBanTests
{
    // Never sent a packet before the ban: the /24 element alone must drop it.
    private const string Bystander = "198.51.100.77";

    private static SourceKey Subnet => SourceKey.ForPrefix24(NetAddress.Parse(ServerAndScanner.ScannerV4));

    [Fact]
    public async Task A_24_ban_drops_an_address_of_the_24_that_never_scanned_and_an_unban_lifts_it()
    {
        using var net = ServerAndScanner.Create();
        net.Scanner.Exec("ip", "addr", "add", Bystander + "/24", "dev", "veth-c").EnsureSuccess("bystander address");
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        Assert.True(ServerAndScanner.WaitUntil(() => net.Ping(ServerAndScanner.ServerV4, Bystander), TestTimeouts.Event), "ping before the ban");

        // The detection thread's path (netlink fast path for a fresh element).
        enforcer.Ban([new BanRequest(Subnet, TimeSpan.FromMinutes(10))]);

        Assert.False(net.Ping(ServerAndScanner.ServerV4, Bystander), "an address of the banned /24 that never scanned");
        Assert.False(net.Ping(ServerAndScanner.ServerV4), "the scanner's own address");
        Assert.True(ServerAndScanner.WaitUntil(() => net.Ping(ServerAndScanner.ServerV6), TestTimeouts.Event), "IPv6 from the same host is not in the /24");
        Assert.True(SubnetRuleDrops(net) >= 2, "the banned4_24 rule's counter shows the drops");
        Assert.Equal(1, enforcer.FastPathBans);
        var ban = Assert.Single(await enforcer.ListAsync());
        Assert.Equal(SourceKeyKind.IPv4Prefix24, ban.Source.Kind);
        Assert.Equal("198.51.100.0/24", ban.Source.ToString());
        Assert.Equal(TimeSpan.FromMinutes(10), ban.Timeout);
        Assert.True(ban.Packets >= 2, "the element's own counter shows both addresses' drops");

        await enforcer.UnbanAsync([Subnet]);

        Assert.True(net.Ping(ServerAndScanner.ServerV4, Bystander), "ping after the unban");
        Assert.Empty(await enforcer.ListAsync());
    }

    [Fact]
    public async Task An_allowlisted_address_inside_a_banned_24_still_gets_through()
    {
        using var net = ServerAndScanner.Create();
        net.Scanner.Exec("ip", "addr", "add", Bystander + "/24", "dev", "veth-c").EnsureSuccess("bystander address");
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        await enforcer.SetAllowListAsync([(NetAddress.Parse(Bystander), 32)]);

        await enforcer.BanAsync([new BanRequest(Subnet, TimeSpan.FromMinutes(10))]);

        Assert.True(ServerAndScanner.WaitUntil(() => net.Ping(ServerAndScanner.ServerV4, Bystander), TestTimeouts.Event), "the allow accept comes before the /24 drop");
        Assert.False(net.Ping(ServerAndScanner.ServerV4), "another address of the /24 is dropped");
    }

    [Fact]
    public async Task A_24_ban_is_restored_with_the_table_after_a_flush()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer(watchdog: true);
        await enforcer.EnsureTableAsync();
        await enforcer.BanAsync([new BanRequest(Subnet, TimeSpan.FromMinutes(10))]);

        net.Server.Exec("nft", "flush", "ruleset").EnsureSuccess("flush");

        Assert.True(ServerAndScanner.WaitUntil(() => SetElements(net).Contains("198.51.100.0", StringComparison.Ordinal), TestTimeouts.Event),
            "the watchdog put the /24 back");
        Assert.False(net.Ping(ServerAndScanner.ServerV4), "dropped again after the repair");
    }

    private static string SetElements(ServerAndScanner net)
    {
        var r = net.Server.Exec("nft", "-j", "list", "set", "inet", "portveil", "banned4_24");
        return r.ExitCode == 0 ? r.StdOut : "";
    }

    /// <summary>The packet counter of the raw chain's rule that looks up banned4_24.</summary>
    private static long SubnetRuleDrops(ServerAndScanner net)
    {
        var json = net.Server.Exec("nft", "-j", "list", "chain", "inet", "portveil", "raw").EnsureSuccess("list raw").StdOut;
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("rule", out var rule) && rule.GetRawText().Contains("@banned4_24", StringComparison.Ordinal))
            {
                foreach (var e in rule.GetProperty("expr").EnumerateArray())
                {
                    if (e.TryGetProperty("counter", out var c) && c.ValueKind == JsonValueKind.Object)
                    {
                        return c.GetProperty("packets").GetInt64();
                    }
                }
            }
        }

        return -1;
    }
}
