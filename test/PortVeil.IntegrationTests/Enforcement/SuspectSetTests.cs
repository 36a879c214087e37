using System.Net;
using System.Net.Sockets;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

/// <summary>The suspect sets in the kernel: what a restriction drops, what it lets through, and that it survives a repair.</summary>
public class SuspectSetTests
{
    private static bool Connect(ServerAndScanner net, int port) => net.Scanner.RunInside(() =>
    {
        using var client = new TcpClient();
        try
        {
            return client.ConnectAsync(IPAddress.Parse(ServerAndScanner.ServerV4), port).Wait(TimeSpan.FromSeconds(3));
        }
        catch (AggregateException)
        {
            return false;
        }
    });

    private static bool RawSynAnswered(ServerAndScanner net, int port)
    {
        // hping3 -S: a bare SYN without SACK-permitted, as nmap -sS, masscan and zmap send.
        var r = net.Scanner.Exec("hping3", ["-S", "-c", "2", "-i", "u200000", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), ServerAndScanner.ServerV4], TestTimeouts.Command);
        return r.StdOut.Contains("flags=SA", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restricted_source_loses_raw_SYNs_and_pings_but_its_own_stack_still_connects()
    {
        using var net = ServerAndScanner.Create();
        using var listener = net.Server.ListenTcp(7780);
        using var enforcer = net.StartEnforcer(new PortVeilRulesetOptions { FirstContactGating = false });
        await enforcer.EnsureTableAsync();
        await enforcer.UpdateServedAsync([new(IpProtocol.Tcp, 7780)], []);

        // Control: before the restriction the raw SYN is answered and ping works.
        Assert.True(RawSynAnswered(net, 7780));
        Assert.True(net.Ping(ServerAndScanner.ServerV4));

        var scanner = SourceKey.ForAddress(NetAddress.Parse(ServerAndScanner.ScannerV4));
        await enforcer.RestrictAsync([new BanRequest(scanner, TimeSpan.FromMinutes(10))]);

        Assert.False(RawSynAnswered(net, 7780));
        Assert.False(net.Ping(ServerAndScanner.ServerV4));
        Assert.True(Connect(net, 7780), "the kernel's own SYN carries SACK-permitted and passes");

        var entry = Assert.Single(await enforcer.ListAsync());
        Assert.Equal(scanner, entry.Source);
        Assert.True(entry.Restricted);
        Assert.False(entry.ByReflex);
        Assert.True(entry.Packets > 0, "the suspect element's counter counts the dropped packets");

        // A user's unban lifts a restriction too.
        await enforcer.UnbanAsync([scanner]);
        Assert.Empty(await enforcer.ListAsync());
        Assert.True(net.Ping(ServerAndScanner.ServerV4));
    }

    [Fact]
    public async Task Restrictions_come_back_into_the_suspect_sets_after_the_table_is_flushed()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer(watchdog: true);
        await enforcer.EnsureTableAsync();
        var scanner = SourceKey.ForAddress(NetAddress.Parse(ServerAndScanner.ScannerV4));
        await enforcer.RestrictAsync([new BanRequest(scanner, TimeSpan.FromMinutes(10))]);

        net.Server.Exec("nft", "flush", "ruleset").EnsureSuccess("flush ruleset");

        Assert.True(ServerAndScanner.WaitUntil(() => enforcer.IsTableIntactAsync().GetAwaiter().GetResult(), TestTimeouts.Event), "table repaired");
        var entry = Assert.Single(await enforcer.ListAsync());
        Assert.Equal(scanner, entry.Source);
        Assert.True(entry.Restricted, "restored as a restriction, not a ban");
        Assert.True(entry.Remaining > TimeSpan.FromMinutes(9), $"remaining {entry.Remaining}");
    }
}
