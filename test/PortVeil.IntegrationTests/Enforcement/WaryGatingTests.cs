using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PortVeil.Core;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

/// <summary>
/// The wary gate (kernel.gating_wary) in a real kernel: a never-seen source that tried an unserved port gets through
/// first-contact gating only with a SYN ≥ 2.5 s after its first, so its kernel's 1 s retransmit is dropped and the
/// 3 s one passes. SYN retransmits are counted by the client namespace's kernel (TcpExt TCPSynRetrans), not timed.
/// </summary>
public class WaryGatingTests
{
    private const int ServedPort = 7777;
    private const int UnservedPort = 8081;

    /// <summary>A real connect() from the scanner, bounded by <paramref name="wait"/>; true when it connected.</summary>
    private static bool Connect(ServerAndScanner net, int port, TimeSpan wait, string server = ServerAndScanner.ServerV4) => net.Scanner.RunInside(() =>
    {
        var address = IPAddress.Parse(server);
        using var client = new TcpClient(address.AddressFamily);
        try
        {
            return client.ConnectAsync(address, port).Wait(wait);
        }
        catch (AggregateException)
        {
            return false;
        }
    });

    private static Task<(ServerAndScanner Net, NftEnforcer Enforcer, TcpListener Listener)> StartAsync(PortVeilRulesetOptions options) =>
        ServerAndScanner.ServeTcpAsync(ServedPort, options);

    /// <summary>net.ipv4.tcp_syn_linear_timeouts in <paramref name="ns"/> (0 on kernels without it: exponential backoff).</summary>
    private static int LinearSynTimeouts(NetworkNamespace ns)
    {
        var r = ns.Exec("cat", "/proc/sys/net/ipv4/tcp_syn_linear_timeouts");
        return r.ExitCode == 0 ? int.Parse(r.StdOut.Trim(), CultureInfo.InvariantCulture) : 0;
    }

    private static bool InSet(ServerAndScanner net, string set, string source = ServerAndScanner.ScannerV4) =>
        net.Server.Exec("nft", "list", "set", "inet", "portveil", set).EnsureSuccess("nft list set " + set).StdOut
            .Contains(source, StringComparison.Ordinal);

    /// <summary>One SYN to an unserved port (the socket is closed before the kernel's 1 s retransmit).</summary>
    private static void ProbeUnserved(ServerAndScanner net) => Assert.False(Connect(net, UnservedPort, TimeSpan.FromMilliseconds(200)));

    [Fact]
    public async Task A_source_that_probed_an_unserved_port_loses_its_1_s_retransmit_and_gets_in_with_the_3_s_one()
    {
        var (net, enforcer, listener) = await StartAsync(new PortVeilRulesetOptions());
        using var _ = net;
        using var __ = enforcer;
        using var ___ = listener;

        ProbeUnserved(net);
        Assert.True(InSet(net, PortVeilRuleset.Wary4), "an unserved probe makes a never-seen source wary");

        // A connect scanner's short timeout: the first SYN and the 1 s retransmit, both dropped. (1.5 s, not 2 s: with
        // linear SYN timeouts the next retransmit comes at 2 s, and racing it would make the count flaky.)
        var before = GatingProbeLimitTests.SynRetransmits(net.Scanner);
        Assert.False(Connect(net, ServedPort, TimeSpan.FromSeconds(1.5)));
        Assert.Equal(1, GatingProbeLimitTests.SynRetransmits(net.Scanner) - before);
        Assert.False(InSet(net, PortVeilRuleset.Known4));

        // After the 5 s hold, a real client that waits: every SYN before 2.5 s is dropped, the one at 3 s passes. Linux
        // retransmits at 1 s and 3 s, or at 1, 2 and 3 s with linear SYN timeouts (net.ipv4.tcp_syn_linear_timeouts,
        // 4 by default on 6.18, measured: connected at 3.07 s after 3 retransmits).
        Thread.Sleep(PortVeilRulesetDefaults.GatingHold + TimeSpan.FromMilliseconds(500));
        before = GatingProbeLimitTests.SynRetransmits(net.Scanner);
        Assert.True(Connect(net, ServedPort, TimeSpan.FromSeconds(6)));
        Assert.Equal(LinearSynTimeouts(net.Scanner) >= 2 ? 3 : 2, GatingProbeLimitTests.SynRetransmits(net.Scanner) - before);
        Assert.True(InSet(net, PortVeilRuleset.Known4), "the source that got in is known");
    }

    [Fact]
    public async Task An_IPv6_source_that_probed_an_unserved_port_loses_its_1_s_retransmit_too()
    {
        var (net, enforcer, listener) = await StartAsync(new PortVeilRulesetOptions());
        using var _ = net;
        using var __ = enforcer;
        using var ___ = listener;
        using var listener6 = net.Server.RunInside(() =>
        {
            var l = new TcpListener(IPAddress.IPv6Any, ServedPort + 1);
            l.Server.DualMode = false;
            l.Start();
            return l;
        });
        await enforcer.UpdateServedAsync([new(IpProtocol.Tcp, ServedPort), new(IpProtocol.Tcp, ServedPort + 1)], []);

        Assert.False(Connect(net, UnservedPort, TimeSpan.FromMilliseconds(200), ServerAndScanner.ServerV6));
        Assert.True(InSet(net, PortVeilRuleset.Wary6, ServerAndScanner.ScannerV6));

        var before = GatingProbeLimitTests.SynRetransmits(net.Scanner);
        Assert.False(Connect(net, ServedPort + 1, TimeSpan.FromSeconds(1.5), ServerAndScanner.ServerV6));
        Assert.Equal(1, GatingProbeLimitTests.SynRetransmits(net.Scanner) - before);

        Thread.Sleep(PortVeilRulesetDefaults.GatingHold + TimeSpan.FromMilliseconds(500));
        Assert.True(Connect(net, ServedPort + 1, TimeSpan.FromSeconds(6), ServerAndScanner.ServerV6));
        Assert.True(InSet(net, PortVeilRuleset.Known6, ServerAndScanner.ScannerV6));
    }

    [Fact]
    public async Task A_never_seen_source_without_an_unserved_probe_still_gets_in_with_its_1_s_retransmit()
    {
        var (net, enforcer, listener) = await StartAsync(new PortVeilRulesetOptions());
        using var _ = net;
        using var __ = enforcer;
        using var ___ = listener;

        var before = GatingProbeLimitTests.SynRetransmits(net.Scanner);
        Assert.True(Connect(net, ServedPort, TimeSpan.FromSeconds(6)));

        Assert.Equal(1, GatingProbeLimitTests.SynRetransmits(net.Scanner) - before);
        Assert.False(InSet(net, PortVeilRuleset.Wary4));
        Assert.True(InSet(net, PortVeilRuleset.Known4));
    }

    [Fact]
    public async Task With_gating_wary_off_a_source_that_probed_an_unserved_port_gets_in_with_its_1_s_retransmit()
    {
        var (net, enforcer, listener) = await StartAsync(new PortVeilRulesetOptions { GatingWary = false });
        using var _ = net;
        using var __ = enforcer;
        using var ___ = listener;

        ProbeUnserved(net);
        var before = GatingProbeLimitTests.SynRetransmits(net.Scanner);
        Assert.True(Connect(net, ServedPort, TimeSpan.FromSeconds(2)));

        Assert.Equal(1, GatingProbeLimitTests.SynRetransmits(net.Scanner) - before);
        Assert.True(InSet(net, PortVeilRuleset.Known4));
        Assert.NotEqual(0, net.Server.Exec("nft", "list", "set", "inet", "portveil", PortVeilRuleset.Wary4).ExitCode);
    }

    [Fact]
    public async Task A_slow_nmap_connect_scan_does_not_see_the_served_port_after_an_unserved_one()
    {
        var (net, enforcer, listener) = await StartAsync(new PortVeilRulesetOptions());
        using var _ = net;
        using var __ = enforcer;
        using var ___ = listener;

        // -r: ports in numerical order, so the unserved port 1000 is probed before the served 7777 (2 s later).
        const int LowUnserved = 1000;
        var ports = string.Create(CultureInfo.InvariantCulture, $"{LowUnserved},{ServedPort}");
        var r = net.Scanner.Exec("nmap", ["-sT", "-Pn", "-n", "-r", "--max-retries", "0", "--scan-delay", "2s", "-p", ports, ServerAndScanner.ServerV4],
            TestTimeouts.Scan).EnsureSuccess("nmap -sT");

        Assert.Contains("Nmap done: 1 IP address (1 host up)", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain($"{ServedPort}/tcp open", r.StdOut, StringComparison.Ordinal);
        Assert.True(InSet(net, PortVeilRuleset.Wary4), r.StdOut);
        Assert.False(InSet(net, PortVeilRuleset.Known4), r.StdOut);
    }
}
