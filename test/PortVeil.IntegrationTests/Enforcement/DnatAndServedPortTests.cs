using System.Net;
using System.Net.Sockets;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.ServedPorts;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

public class DnatAndServedPortTests
{
    private const string NatTable = """
        table ip nat {
            chain prerouting {
                type nat hook prerouting priority dstnat; policy accept;
                tcp dport 8080 dnat to 192.0.2.2:80
            }
        }
        """;

    private static bool Connect(NetworkNamespace from, string host, int port) => from.RunInside(() =>
    {
        using var client = new TcpClient();
        try
        {
            // 4 s leaves room for the one SYN retransmit (~1 s) that first-contact gating costs.
            return client.ConnectAsync(IPAddress.Parse(host), port).Wait(TimeSpan.FromSeconds(4)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    });

    [Fact]
    public async Task A_DNAT_published_port_is_served_and_a_ban_blocks_it()
    {
        using var net = ServerAndScanner.Create();
        using var container = NetworkNamespace.Create("ctr");
        NetworkNamespace.Link(net.Server, "veth-d", "192.0.2.1/24", container, "eth0", "192.0.2.2/24");
        container.Exec("ip", "route", "add", "default", "via", "192.0.2.1").EnsureSuccess("container route");
        net.Server.Exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1").EnsureSuccess("forwarding");
        net.Server.Exec("nft", ["-f", "-"], TestTimeouts.Command, NatTable).EnsureSuccess("nat table");
        using var listener = container.ListenTcp(80);
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        using var watcher = net.Server.RunInside(() => new ServedPortWatcher(new ServedPortWatcherOptions(), enforcer));

        await watcher.RefreshAsync();
        Assert.Contains(new ServedPort(IpProtocol.Tcp, 8080), watcher.Snapshot);
        Assert.Contains(("tcp", 8080), await enforcer.ListServedAsync());
        Assert.True(Connect(net.Scanner, ServerAndScanner.ServerV4, 8080), "connect through DNAT before the ban");
        var known = net.Server.Exec("nft", "list", "set", "inet", "portveil", "known4").StdOut;
        Assert.Contains(ServerAndScanner.ScannerV4, known, StringComparison.Ordinal);

        await enforcer.BanAsync([new BanRequest(SourceKey.ForAddress(NetAddress.Parse(ServerAndScanner.ScannerV4)), TimeSpan.FromMinutes(5))]);

        Assert.False(Connect(net.Scanner, ServerAndScanner.ServerV4, 8080), "connect through DNAT during the ban");
        Assert.True(net.RawDrops() > 0);
    }

    [Fact]
    public async Task An_opener_to_a_DNAT_published_port_is_logged_with_its_original_port()
    {
        using var net = ServerAndScanner.Create();
        net.Server.Exec("nft", ["-f", "-"], TestTimeouts.Command, NatTable).EnsureSuccess("nat table");
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        await enforcer.UpdateServedAsync([new(IpProtocol.Tcp, 8080)], []);

        // tcpdump reads the same NFLOG group the sensor binds. Three logged packets: the gated first SYN to 8080,
        // its accepted retransmit, and the first SYN to the unserved 8081.
        using var capture = net.Server.Start("tcpdump", "-i", "nflog:20566", "-nn", "-c", "3", "-l");
        Thread.Sleep(1000); // bounded: tcpdump needs a moment to bind the group
        Connect(net.Scanner, ServerAndScanner.ServerV4, 8080);
        Connect(net.Scanner, ServerAndScanner.ServerV4, 8081);

        Assert.True(capture.WaitForExit(TestTimeouts.Event), "three openers logged");
        var log = capture.StdOut;
        Assert.Contains($"{ServerAndScanner.ServerV4}.8080: Flags [S]", log, StringComparison.Ordinal);
        Assert.Contains($"{ServerAndScanner.ServerV4}.8081: Flags [S]", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Served_ports_follow_a_listener_starting_and_stopping()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();
        var changes = new List<ServedPortsChange>();
        using var watcher = net.Server.RunInside(() => new ServedPortWatcher(new ServedPortWatcherOptions(), enforcer));
        watcher.Changed += c =>
        {
            lock (changes)
            {
                changes.Add(c);
            }
        };

        var (tcp, udp, local) = net.Server.RunInside(() =>
        {
            var t = new TcpListener(IPAddress.IPv6Any, 5555);
            t.Server.DualMode = true;
            t.Start();
            var u = new UdpClient(new IPEndPoint(IPAddress.Any, 5353));
            var l = new TcpListener(IPAddress.Loopback, 6666);
            l.Start();
            return (t, u, l);
        });
        try
        {
            // Bounded waits on the watcher's own 500 ms polling.
            Assert.True(ServerAndScanner.WaitUntil(() => watcher.Snapshot.Contains(new ServedPort(IpProtocol.Tcp, 5555)), TestTimeouts.Event));
            Assert.True(ServerAndScanner.WaitUntil(() => watcher.Snapshot.Contains(new ServedPort(IpProtocol.Udp, 5353)), TestTimeouts.Event));
            Assert.DoesNotContain(new ServedPort(IpProtocol.Tcp, 6666), watcher.Snapshot);
            Assert.Equal("sock_diag", watcher.ListenerSource);
            var kernel = await enforcer.ListServedAsync();
            Assert.Contains(("tcp", 5555), kernel);
            Assert.Contains(("udp", 5353), kernel);
        }
        finally
        {
            tcp.Stop();
            udp.Dispose();
            local.Stop();
        }

        Assert.True(ServerAndScanner.WaitUntil(() => !watcher.Snapshot.Contains(new ServedPort(IpProtocol.Tcp, 5555)), TestTimeouts.Event));
        Assert.DoesNotContain(("tcp", 5555), await enforcer.ListServedAsync());
        lock (changes)
        {
            Assert.Contains(changes, c => c.Removed.Contains(new ServedPort(IpProtocol.Tcp, 5555)));
        }
    }

    [Fact]
    public async Task An_unserved_port_is_dropped_without_a_reset()
    {
        using var net = ServerAndScanner.Create();
        using var enforcer = net.StartEnforcer();
        await enforcer.EnsureTableAsync();

        // Nothing listens on 9 and it is not served: a closed port would answer RST at once ("connection
        // refused"); our drop leaves the client waiting until its own timeout, as for a filtered port.
        var refused = net.Scanner.RunInside(() =>
        {
            using var client = new TcpClient();
            try
            {
                return !client.ConnectAsync(IPAddress.Parse(ServerAndScanner.ServerV4), 9).Wait(TimeSpan.FromSeconds(2)) ? "timeout" : "connected";
            }
            catch (AggregateException e) when (e.InnerException is SocketException s)
            {
                return s.SocketErrorCode.ToString();
            }
        });
        Assert.Equal("timeout", refused);
    }
}
