using PortVeil.Core;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

public class NftTableTests
{
    [Fact]
    public async Task Table_is_created_with_every_chain_and_set_and_reads_back()
    {
        using var ns = NetworkNamespace.Create("nft");
        using var enforcer = ns.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Watchdog = false }));
        await enforcer.EnsureTableAsync();

        var text = ns.Exec("nft", "list", "table", "inet", "portveil").EnsureSuccess("nft list").StdOut;
        foreach (var chain in new[] { "raw", "mangle", "served", "unserved" })
        {
            Assert.Contains($"chain {chain} {{", text, StringComparison.Ordinal);
        }

        Assert.Contains("type filter hook prerouting priority raw; policy accept;", text, StringComparison.Ordinal);
        Assert.Contains("type filter hook prerouting priority mangle; policy accept;", text, StringComparison.Ordinal);
        foreach (var set in enforcer.Ruleset.ExpectedSets)
        {
            Assert.Contains($"set {set} {{", text, StringComparison.Ordinal);
        }

        Assert.Contains("timeout 700ms", text, StringComparison.Ordinal);
        Assert.Contains("log prefix \"pv:unserved\" group 20566", text, StringComparison.Ordinal);
        Assert.True(await enforcer.IsTableIntactAsync());
    }

    [Fact]
    public async Task A_restarted_enforcer_keeps_the_kernels_bans_and_served_ports_and_adds_no_duplicate_rules()
    {
        using var ns = NetworkNamespace.Create("nft");
        var banned = SourceKey.ForAddress(NetAddress.Parse("203.0.113.9"));
        using (var first = ns.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Watchdog = false })))
        {
            await first.EnsureTableAsync();
            await first.BanAsync(banned, TimeSpan.FromMinutes(5));
            await first.UpdateServedAsync([new(IpProtocol.Tcp, 22)], []);
        }

        var before = ns.Exec("nft", "-a", "list", "chain", "inet", "portveil", "mangle").StdOut.Split('\n').Length;

        using var second = ns.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Watchdog = false }));
        await second.EnsureTableAsync();

        Assert.Null(second.LastRepairError);
        var after = ns.Exec("nft", "-a", "list", "chain", "inet", "portveil", "mangle").StdOut.Split('\n').Length;
        Assert.Equal(before, after);
        Assert.Contains(await second.ListAsync(), b => b.Source == banned);
        Assert.Contains(("tcp", 22), await second.ListServedAsync());
    }
}
