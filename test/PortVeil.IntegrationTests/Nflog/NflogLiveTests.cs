using PortVeil.Core;
using PortVeil.Sensors.Nflog;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;
using static PortVeil.IntegrationTests.Nflog.NflogTestLab;

namespace PortVeil.IntegrationTests.Nflog;

public class NflogLiveTests
{
    // New inbound TCP openers are logged before Docker's DNAT (-100), as `table inet portveil` does; port 22 is
    // "served", everything else "unserved".
    private static readonly string OpenerRules = $$"""
        table inet pvtest {
            chain pre {
                type filter hook prerouting priority mangle; policy accept;
                iifname "eth0" ct state new tcp flags & (syn | ack) == syn tcp dport 22 log group {{GroupText}} prefix "{{NflogPrefixes.Served}}"
                iifname "eth0" ct state new tcp flags & (syn | ack) == syn tcp dport != 22 log group {{GroupText}} prefix "{{NflogPrefixes.Unserved}}"
            }
        }
        """;

    [Fact]
    public void Nmap_syn_scan_of_200_ports_is_seen_with_the_fields_tcpdump_saw_on_the_wire()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        var scanner = lab.Scanners[0];
        LoadRules(lab.Server, OpenerRules);
        using var source = OpenIn(lab.Server);
        using var capture = SynCapture.Start(lab.Server);
        var before = NowNs();

        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-sS", "-Pn", "-T4", "--max-retries", "1", "-p", "1-200");

        var events = Collect(source, e => DistinctPorts(e) >= 200, TestTimeouts.Event);
        var after = NowNs();
        var wire = capture.Stop();

        Assert.True(wire.Count >= 200, $"tcpdump saw {wire.Count} SYNs");
        Assert.Equal(Enumerable.Range(1, 200), events.Select(e => (int)e.DestinationPort).Distinct().Order());
        Assert.All(events, e =>
        {
            Assert.Equal(IpFamily.IPv4, e.Family);
            Assert.Equal(NetAddress.Parse(scanner.IPv4), e.Source);
            Assert.Equal(NetAddress.Parse(LabTopology.ServerIPv4), e.Destination);
            Assert.Equal(IpProtocol.Tcp, e.Protocol);
            Assert.Equal(TcpFlags.Syn, e.Flags);
            Assert.Equal(PacketDirection.Inbound, e.Direction);
            Assert.Equal(e.DestinationPort == 22 ? PacketTag.Served : PacketTag.Unserved, e.Tag);
            Assert.InRange(e.TimestampNs, before, after);
            // nmap's raw SYN: window 1024, 2048, 3072 or 4096 and MSS as the only option (44-byte packet).
            Assert.Contains(e.Window, (ushort[])[1024, 2048, 3072, 4096]);
            Assert.Equal(1, e.Options.Count);
            Assert.Equal(TcpOptionKind.Mss, e.Options.KindAt(0));
            Assert.Equal((ushort)44, e.Length);

            var seen = Assert.Single(wire, w => w.SourcePort == e.SourcePort && w.DestinationPort == e.DestinationPort && w.Sequence == e.Sequence);
            Assert.Equal(seen.Ttl, e.Ttl);
            Assert.Equal(seen.IpId, (int)e.IpId);
            Assert.Equal(seen.Window, e.Window);
            Assert.Equal($"mss {e.Options.Mss}", seen.Options);
        });
        var counters = source.Counters;
        Assert.Equal(0, counters.ParseErrors);
        Assert.Equal(0, counters.Dropped);
        Assert.True(counters.Packets >= 200);
    }

    [Fact]
    public void Ipv6_openers_are_seen_from_nmap_and_from_a_real_tcp_stack()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(1).Build();
        var scanner = lab.Scanners[0];
        var client = lab.Clients[0];
        LoadRules(lab.Server, OpenerRules);
        using var ssh = LabTcpListener.Start(lab.Server, 22);
        using var source = OpenIn(lab.Server);

        Nmap.Scan(scanner, LabTopology.ServerIPv6, "-6", "-sS", "-Pn", "-T4", "--max-retries", "1", "-p", "1-50");
        Assert.True(LabTcpClient.TryConnect(client, LabTopology.ServerIPv6, 22, TestTimeouts.Event));

        var events = Collect(source, e => DistinctPorts(e, scanner.IPv6!) >= 50 && e.Exists(p => p.Source == NetAddress.Parse(client.IPv6!)), TestTimeouts.Event);

        var scan = events.FindAll(e => e.Source == NetAddress.Parse(scanner.IPv6!));
        Assert.Equal(Enumerable.Range(1, 50), scan.Select(e => (int)e.DestinationPort).Distinct().Order());
        Assert.All(scan, e =>
        {
            Assert.Equal(IpFamily.IPv6, e.Family);
            Assert.Equal(NetAddress.Parse(LabTopology.ServerIPv6), e.Destination);
            Assert.Equal(TcpFlags.Syn, e.Flags);
            Assert.Equal(1, e.Options.Count);
            Assert.Equal(TcpOptionKind.Mss, e.Options.KindAt(0));
        });

        // The client's own kernel: 64 hops, and every modern option (SACK-permitted, timestamps, window scale).
        var guest = Assert.Single(events, e => e.Source == NetAddress.Parse(client.IPv6!));
        Assert.Equal(IpFamily.IPv6, guest.Family);
        Assert.Equal((ushort)22, guest.DestinationPort);
        Assert.Equal(PacketTag.Served, guest.Tag);
        Assert.Equal((byte)64, guest.Ttl);
        Assert.True(guest.Options.SackPermitted);
        Assert.True(guest.Options.Timestamps);
        Assert.NotEqual(TcpOptionSummary.NoWindowScale, guest.Options.WindowScale);
    }

    [Fact]
    public void A_probe_to_the_docker_published_port_is_seen_with_its_original_port_before_dnat()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(1).WithContainer().Build();
        // The same opener logged twice: at mangle (-150), before the lab's DNAT at dstnat (-100), and at filter
        // (0), after it. Only the first sees the port the scanner aimed at.
        LoadRules(lab.Server, $$"""
            table inet pvtest {
                chain early {
                    type filter hook prerouting priority mangle; policy accept;
                    iifname "eth0" ct state new tcp flags & (syn | ack) == syn log group {{GroupText}} prefix "{{NflogPrefixes.Unserved}}"
                }
                chain late {
                    type filter hook prerouting priority filter; policy accept;
                    iifname "eth0" ct state new tcp flags & (syn | ack) == syn log group {{GroupText}} prefix "{{NflogPrefixes.Served}}"
                }
            }
            """);
        using var web = LabTcpListener.Start(lab.Container!, LabTopology.ContainerPort);
        using var source = OpenIn(lab.Server);

        Nmap.Scan(lab.Scanners[0], LabTopology.ServerIPv4, "-sS", "-Pn", "--max-retries", "0", "-p", "8080");
        Assert.True(LabTcpClient.TryConnect(lab.Clients[0], LabTopology.ServerIPv4, LabTopology.PublishedPort, TestTimeouts.Event));

        var events = Collect(source, e => e.Count >= 4, TestTimeouts.Event);

        Assert.Equal(1, web.Accepted);
        foreach (var host in (LabHost[])[lab.Scanners[0], lab.Clients[0]])
        {
            var mine = events.FindAll(e => e.Source == NetAddress.Parse(host.IPv4));
            var early = Assert.Single(mine, e => e.Tag == PacketTag.Unserved);
            var late = Assert.Single(mine, e => e.Tag == PacketTag.Served);
            Assert.Equal((ushort)LabTopology.PublishedPort, early.DestinationPort);
            Assert.Equal(NetAddress.Parse(LabTopology.ServerIPv4), early.Destination);
            Assert.Equal((ushort)LabTopology.ContainerPort, late.DestinationPort);
            Assert.Equal(NetAddress.Parse(LabTopology.ContainerIPv4), late.Destination);
        }
    }

    private static int DistinctPorts(List<PacketEvent> events) => events.Select(e => e.DestinationPort).Distinct().Count();

    private static int DistinctPorts(List<PacketEvent> events, string source)
    {
        var address = NetAddress.Parse(source);
        return events.Where(e => e.Source == address).Select(e => e.DestinationPort).Distinct().Count();
    }
}
