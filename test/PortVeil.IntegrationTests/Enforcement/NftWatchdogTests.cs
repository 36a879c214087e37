using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

public class NftWatchdogTests
{
    private const string UserTable = """
        table inet user {
            set friends {
                type ipv4_addr
                elements = { 192.0.2.77 }
            }

            chain input {
                type filter hook input priority filter; policy accept;
                ip saddr @friends accept
                tcp dport 2222 drop
            }
        }
        """;

    [Theory]
    [InlineData("flush", "ruleset")]
    [InlineData("delete", "table", "inet", "portveil")]
    [InlineData("flush", "table", "inet", "portveil")]
    [InlineData("flush", "chain", "inet", "portveil", "raw")]
    public async Task Table_comes_back_with_its_bans_after_someone_else_removes_it(params string[] nftArgs)
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer(watchdog: true);
        await enforcer.EnsureTableAsync();
        var scanner = SourceKey.ForAddress(NetAddress.Parse(ServerAndScanner.ScannerV4));
        await enforcer.BanAsync([new BanRequest(scanner, TimeSpan.FromMinutes(10))]);
        await enforcer.UpdateServedAsync([new(IpProtocol.Tcp, 443)], []);
        Assert.False(net.Ping(ServerAndScanner.ServerV4));

        net.Server.Exec("nft", nftArgs).EnsureSuccess(string.Join(' ', nftArgs));

        // The bound limits the wait; it does not assert speed.
        Assert.True(ServerAndScanner.WaitUntil(() => enforcer.IsTableIntactAsync().GetAwaiter().GetResult(), TestTimeouts.Event), "table repaired");
        Assert.True(ServerAndScanner.WaitUntil(() => !net.Ping(ServerAndScanner.ServerV4), TestTimeouts.Event), "ban effective again");
        var ban = Assert.Single(await enforcer.ListAsync());
        Assert.Equal(scanner, ban.Source);
        Assert.True(ban.Remaining > TimeSpan.FromMinutes(9), $"remaining {ban.Remaining}");
        Assert.Contains(("tcp", 443), await enforcer.ListServedAsync());
        Assert.True(enforcer.Repairs >= 1);
    }

    [Fact]
    public async Task The_users_own_table_is_untouched_by_everything_we_do()
    {
        using var net = ServerAndScanner.Create();
        net.Server.Exec("nft", ["-f", "-"], TestTimeouts.Command, UserTable).EnsureSuccess("user table");
        var before = net.Server.Exec("nft", "list", "table", "inet", "user").EnsureSuccess("list user").StdOut;

        using (var enforcer = net.StartEnforcer(watchdog: true))
        {
            await enforcer.EnsureTableAsync();
            await enforcer.BanAsync([new BanRequest(SourceKey.ForAddress(NetAddress.Parse("203.0.113.5")), TimeSpan.FromMinutes(1))]);
            await enforcer.UnbanAsync([SourceKey.ForAddress(NetAddress.Parse("203.0.113.5"))]);
            await enforcer.UpdateServedAsync([new(IpProtocol.Tcp, 22)], []);
            await enforcer.SetAllowListAsync([(NetAddress.Parse("192.0.2.0"), 24)]);
            net.Server.Exec("nft", "delete", "table", "inet", "portveil").EnsureSuccess("delete ours");
            Assert.True(ServerAndScanner.WaitUntil(() => enforcer.IsTableIntactAsync().GetAwaiter().GetResult(), TestTimeouts.Event));
            await enforcer.DeleteTableAsync();
        }

        var after = net.Server.Exec("nft", "list", "table", "inet", "user").EnsureSuccess("list user").StdOut;
        Assert.Equal(before, after);
        Assert.DoesNotContain("portveil", net.Server.Exec("nft", "list", "tables").StdOut, StringComparison.Ordinal);
    }
}
