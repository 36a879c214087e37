using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Scans;

public class ProtocolScanTests
{
    [Fact]
    public void Nmap_udp_scan_is_flagged_as_udp_and_learns_53_open_from_the_reply()
    {
        var s = new Scenario().BenignMix(0, 30);
        s.NmapDiscovery("198.51.100.12", 4);
        var ports = new List<ushort> { 53 };
        ports.AddRange(Scenario.TopUdp.Where(p => p != 53));
        s.UdpScan("198.51.100.12", ports, 4.01, 0.02);

        var (engine, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(ScanKind.Udp, v.Scan);
        Assert.Equal(ScannerTool.Nmap, v.Tool); // from the discovery SYN to 443
        Assert.Contains((ushort)53, v.Evidence.OpenPortsReached);
        Assert.True(engine.Served.IsSeenServed(IpProtocol.Udp, 53));
    }

    [Fact]
    public void Sctp_init_scan_is_flagged_as_sctp()
    {
        var s = new Scenario();
        for (var i = 0; i < 10; i++)
        {
            s.Add(Events.Sctp("198.51.100.13", (ushort)(2000 + (i * 11)), i * 0.05));
        }

        var (_, sink) = EngineRun.Over(s);

        Assert.Equal(ScanKind.Sctp, Assert.Single(sink.Verdicts).Scan);
    }

    [Fact]
    public void Ip_protocol_scan_over_many_protocol_numbers_is_flagged_as_ip_proto()
    {
        var s = new Scenario();
        byte[] protocols = [0, 2, 3, 4, 5, 7, 8, 9, 41, 47, 50, 51];
        for (var i = 0; i < protocols.Length; i++)
        {
            s.Add(Events.RawProtocol("198.51.100.14", protocols[i], i * 0.01));
        }

        var (_, sink) = EngineRun.Over(s);

        Assert.Equal(ScanKind.IpProtocol, Assert.Single(sink.Verdicts).Scan);
    }

    [Fact]
    public void Ping_sweep_across_a_slash24_is_flagged_as_ping_sweep()
    {
        var s = new Scenario();
        for (var h = 1; h <= 40; h++)
        {
            s.Add(Events.Icmp("198.51.100.15", 8, h * 0.01, dst: $"203.0.113.{h}"));
        }

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(ScanKind.PingSweep, v.Scan);
        Assert.Equal(DetectorKind.Sweep, v.Detector);
        Assert.InRange(v.Evidence.HostsProbed, 10, 40);
    }

    [Fact]
    public void Hping3_sweep_of_two_ports_over_16_hosts_is_flagged_as_sweep_by_hping()
    {
        // s09: SYN to 22 on 203.0.113.10-25, then 445 on each; only .10 serves 22, the rest answer RST.
        var s = new Scenario();
        s.HttpClient("192.0.2.21", 8080, 0, 30);
        var t = 2.5;
        foreach (ushort port in new ushort[] { 22, 445 })
        {
            for (var h = 10; h <= 25; h++)
            {
                var host = $"203.0.113.{h}";
                s.Add(Events.Syn("198.51.100.44", port, t, window: 512, opts: SynOptions.None, dst: host, sport: (ushort)(2000 + h)));
                if (h == 10 && port == 22)
                {
                    s.Add(Events.SynAck("198.51.100.44", 22, t + 0.0002, toPort: (ushort)(2000 + h)));
                    s.Add(Events.Tcp("198.51.100.44", 22, t + 0.0003, TcpFlags.Rst, window: 0, sport: (ushort)(2000 + h)));
                }
                else
                {
                    s.Add(Events.RstAck("198.51.100.44", port, t + 0.0002, from: host, toPort: (ushort)(2000 + h)));
                }

                t += 0.05;
            }
        }

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(ScanKind.Sweep, v.Scan);
        Assert.Equal(ScannerTool.Hping, v.Tool);
        Assert.True(v.SourceVerified);
    }

    [Fact]
    public void Nmap_host_discovery_alone_is_not_a_verdict()
    {
        var s = new Scenario().NmapDiscovery("198.51.100.16", 1);

        var (_, sink) = EngineRun.Over(s);

        Assert.Empty(sink.Verdicts);
    }
}
