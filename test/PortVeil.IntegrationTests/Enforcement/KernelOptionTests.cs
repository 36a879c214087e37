using System.Net;
using System.Net.Sockets;
using PortVeil.Core;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

public class KernelOptionTests
{
    private static void TryConnect(NetworkNamespace from, string host, int port, TimeSpan wait) => from.RunInside(() =>
    {
        using var client = new TcpClient();
        try
        {
            client.ConnectAsync(IPAddress.Parse(host), port).Wait(wait);
        }
        catch (AggregateException)
        {
        }

        return 0;
    });

    [Fact]
    public async Task Reflex_meter_bans_a_source_from_the_packet_path_after_the_threshold()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer(new PortVeilRulesetOptions { ReflexThreshold = 5, ReflexBanTime = TimeSpan.FromMinutes(2) });
        await enforcer.EnsureTableAsync();

        // 12 openers to 12 unserved ports, bounded: each attempt waits 150 ms at most.
        for (var port = 1000; port < 1012; port++)
        {
            TryConnect(net.Scanner, ServerAndScanner.ServerV4, port, TimeSpan.FromMilliseconds(150));
        }

        var ban = Assert.Single(await enforcer.ListAsync());
        Assert.Equal(SourceKey.ForAddress(NetAddress.Parse(ServerAndScanner.ScannerV4)), ban.Source);
        Assert.Equal(TimeSpan.FromMinutes(2), ban.Timeout);
        Assert.True(ban.ByReflex);
        Assert.False(net.Ping(ServerAndScanner.ServerV4));
    }

    [Fact]
    public async Task Raw_SYN_without_options_is_dropped_while_a_real_client_connects()
    {
        using var net = ServerAndScanner.Create();
        using var listener = net.Server.ListenTcp(7777);

        // Without the fingerprint rule a bare SYN is answered: the drop below is the rule's doing.
        using (var plain = net.StartEnforcer(new PortVeilRulesetOptions { FirstContactGating = false }))
        {
            await plain.EnsureTableAsync();
            await plain.UpdateServedAsync([new(IpProtocol.Tcp, 7777)], []);
            var answered = net.Scanner.Exec("hping3", ["-S", "-c", "2", "-i", "u200000", "-p", "7777", ServerAndScanner.ServerV4], TestTimeouts.Command);
            Assert.True(answered.StdOut.Contains("flags=SA", StringComparison.Ordinal), answered.StdOut + answered.StdErr);
        }

        using var enforcer = net.StartEnforcer(new PortVeilRulesetOptions { RawSynFingerprint = true, FirstContactGating = false });
        await enforcer.EnsureTableAsync();

        // hping3 -S sends a bare SYN (no SACK-permitted, no window scale), as masscan and zmap do.
        var raw = net.Scanner.Exec("hping3", ["-S", "-c", "2", "-i", "u200000", "-p", "7777", ServerAndScanner.ServerV4], TestTimeouts.Command);
        Assert.DoesNotContain("flags=SA", raw.StdOut, StringComparison.Ordinal);

        var connected = net.Scanner.RunInside(() =>
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Parse(ServerAndScanner.ServerV4), 7777).Wait(TimeSpan.FromSeconds(3));
        });
        Assert.True(connected, "a real client (SACK-permitted and window scale set) is not fingerprinted");
    }

    [Fact]
    public async Task Unserved_ports_are_dropped_without_RST_unless_drop_unserved_is_off()
    {
        using var net = ServerAndScanner.Create();

        // Nothing listens on 7778: the server's own stack answers a SYN with RST unless our rule drops it first.
        using (var dropping = net.StartEnforcer(new PortVeilRulesetOptions { ReflexMeter = false, FirstContactGating = false }))
        {
            await dropping.EnsureTableAsync();
            var silent = net.Scanner.Exec("hping3", ["-S", "-c", "2", "-i", "u200000", "-p", "7778", ServerAndScanner.ServerV4], TestTimeouts.Command);
            Assert.DoesNotContain("flags=RA", silent.StdOut, StringComparison.Ordinal);
        }

        using var open = net.StartEnforcer(new PortVeilRulesetOptions { ReflexMeter = false, FirstContactGating = false, DropUnserved = false });
        await open.EnsureTableAsync();
        var answered = net.Scanner.Exec("hping3", ["-S", "-c", "2", "-i", "u200000", "-p", "7778", ServerAndScanner.ServerV4], TestTimeouts.Command);
        Assert.True(answered.StdOut.Contains("flags=RA", StringComparison.Ordinal), answered.StdOut + answered.StdErr);
    }
}
