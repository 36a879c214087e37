using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PortVeil.Core;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

/// <summary>
/// The gating probe limit in a real kernel: a never-seen source that just opened more than 3 distinct unserved ports
/// gets none of its raw SYNs (hping3 -S: no options, as nmap -sS and masscan send) through first-contact gating,
/// while a guest who mistyped one port (its stack retransmitting to it), a known source, and a real stack at a
/// marked address (probes forged in its name) still connect.
/// </summary>
public class GatingProbeLimitTests
{
    private const int ServedPort = 7777;

    /// <summary>A real connect() from <paramref name="from"/>, bounded by <paramref name="wait"/>; the elapsed time when it connected, else null.</summary>
    private static TimeSpan? Connect(NetworkNamespace from, int port, TimeSpan wait) => from.RunInside(() =>
    {
        using var client = new TcpClient();
        var clock = Stopwatch.StartNew();
        try
        {
            return client.ConnectAsync(IPAddress.Parse(ServerAndScanner.ServerV4), port).Wait(wait) ? clock.Elapsed : (TimeSpan?)null;
        }
        catch (AggregateException)
        {
            return null;
        }
    });

    // The wary gate off: its 2.5 s hold (any unserved probe arms it) would drop these 1 s retransmits too and hide what
    // the probe limit alone does; WaryGatingTests covers it.
    private static Task<(ServerAndScanner Net, NftEnforcer Enforcer, TcpListener Listener)> StartAsync() =>
        ServerAndScanner.ServeTcpAsync(ServedPort, new PortVeilRulesetOptions { GatingWary = false });

    /// <summary>Raw SYNs (no TCP options) from the scanner, one per <paramref name="ports"/>; true when any was answered SYN-ACK.</summary>
    private static bool RawSyns(ServerAndScanner net, params int[] ports)
    {
        var answered = false;
        foreach (var port in ports)
        {
            var r = net.Scanner.Exec("hping3", ["-S", "-c", "1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), ServerAndScanner.ServerV4], TestTimeouts.Command);
            answered |= r.StdOut.Contains("flags=SA", StringComparison.Ordinal);
        }

        return answered;
    }

    private static bool IsProber(ServerAndScanner net) =>
        net.Server.Exec("nft", "list", "set", "inet", "portveil", PortVeilRuleset.Probers4).EnsureSuccess("nft list set").StdOut
            .Contains(ServerAndScanner.ScannerV4, StringComparison.Ordinal);

    [Fact]
    public async Task A_source_that_probed_four_unserved_ports_gets_no_raw_SYN_through_gating()
    {
        var (net, enforcer, listener) = await StartAsync();
        using var _ = net;
        using var __ = enforcer;
        using var ___ = listener;

        Assert.False(RawSyns(net, 2001, 2002, 2003, 2004));
        Assert.True(IsProber(net), "4 distinct unserved ports make a prober");

        // A first SYN, then two more 1 s apart: all after gating's 0.7 s, all dropped.
        Assert.False(RawSyns(net, ServedPort));
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Assert.False(RawSyns(net, ServedPort));
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Assert.False(RawSyns(net, ServedPort));
    }

    [Fact]
    public async Task A_real_stack_at_a_marked_address_still_gets_through_gating()
    {
        var (net, enforcer, listener) = await StartAsync();
        using var _ = net;
        using var __ = enforcer;
        using var ___ = listener;

        // Raw probes "from" this address (a decoy or a spoofer) mark it; the host's own stack sends SACK-permitted.
        Assert.False(RawSyns(net, 2001, 2002, 2003, 2004, 2005));
        Assert.True(IsProber(net));

        var connected = Connect(net.Scanner, ServedPort, TimeSpan.FromSeconds(6));

        Assert.NotNull(connected);
        Assert.True(connected >= TimeSpan.FromSeconds(0.7), "still meets gating once");
    }

    [Fact]
    public async Task A_guest_whose_stack_retransmitted_to_one_mistyped_port_still_gets_through_gating()
    {
        var (net, enforcer, listener) = await StartAsync();
        using var _ = net;
        using var __ = enforcer;
        using var ___ = listener;

        // The typo: the first SYN and two retransmits (~1 s, ~3 s) to one unserved port, then a second typo.
        Assert.Null(Connect(net.Scanner, 8081, TimeSpan.FromSeconds(3.5)));
        Assert.Null(Connect(net.Scanner, 8082, TimeSpan.FromMilliseconds(150)));

        var connected = Connect(net.Scanner, ServedPort, TimeSpan.FromSeconds(6));

        Assert.False(IsProber(net), "2 distinct ports (4 SYNs) are under the limit of 3");
        Assert.NotNull(connected);
        Assert.True(connected >= TimeSpan.FromSeconds(0.7), "a never-seen guest still meets gating once");
    }

    [Fact]
    public async Task A_known_source_still_connects_at_once_after_probing_unserved_ports()
    {
        var (net, enforcer, listener) = await StartAsync();
        using var _ = net;
        using var __ = enforcer;
        using var ___ = listener;
        Assert.NotNull(Connect(net.Scanner, ServedPort, TimeSpan.FromSeconds(6)));

        Assert.False(RawSyns(net, 3001, 3002, 3003, 3004, 3005, 3006));

        var retransmitsBefore = SynRetransmits(net.Scanner);
        var again = Connect(net.Scanner, ServedPort, TimeSpan.FromSeconds(3));

        // Known (it passed gating): accepted before the prober check, so its first SYN is answered: the client's
        // kernel counts no SYN retransmit (TcpExtTCPSynRetrans, per namespace; nothing else connects from it).
        Assert.True(IsProber(net), "6 distinct unserved ports make a prober");
        Assert.NotNull(again);
        Assert.Equal(retransmitsBefore, SynRetransmits(net.Scanner));
    }

    /// <summary>The namespace's TcpExt TCPSynRetrans: SYN retransmits its kernel sent (per namespace).</summary>
    internal static long SynRetransmits(NetworkNamespace ns)
    {
        var lines = ns.Exec("cat", "/proc/net/netstat").EnsureSuccess("cat /proc/net/netstat").StdOut.Split('\n');
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (!lines[i].StartsWith("TcpExt:", StringComparison.Ordinal))
            {
                continue;
            }

            var names = lines[i].Split(' ');
            var values = lines[i + 1].Split(' ');
            var at = Array.IndexOf(names, "TCPSynRetrans");
            Assert.True(at > 0, "TcpExt has TCPSynRetrans");
            return long.Parse(values[at], System.Globalization.CultureInfo.InvariantCulture);
        }

        throw new InvalidOperationException("no TcpExt line in /proc/net/netstat");
    }

    [Fact]
    public async Task With_the_limit_off_a_prober_still_gets_through_gating()
    {
        using var net = ServerAndScanner.Create();
        using var listener = net.Server.ListenTcp(ServedPort);
        using var enforcer = net.StartEnforcer(new PortVeilRulesetOptions { GatingProbeLimit = 0, GatingWary = false });
        await enforcer.EnsureTableAsync();
        await enforcer.UpdateServedAsync([new(IpProtocol.Tcp, ServedPort)], []);
        Assert.False(RawSyns(net, 2001, 2002, 2003, 2004, 2005, 2006));

        // The drops in the first test are the limit's doing: without it, the raw SYN 1 s after the first passes gating.
        Assert.False(RawSyns(net, ServedPort));
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Assert.True(RawSyns(net, ServedPort));
    }
}
