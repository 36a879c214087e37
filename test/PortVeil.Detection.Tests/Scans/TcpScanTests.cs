using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Scans;

public class TcpScanTests
{
    private const string Scanner = "198.51.100.7";

    private static Scenario TopPortsScan(Action<Scenario, ushort[]> scan, bool discovery = true)
    {
        var s = new Scenario();
        s.BenignMix(0, 30);
        if (discovery)
        {
            s.NmapDiscovery(Scanner, 4.0);
        }

        // Tripwire ports would decide at the second failure; these tests look at the other detectors.
        var tripwires = new DetectionOptions().TripwirePorts;
        scan(s, s.Shuffled(Scenario.TopTcp.Where(p => !tripwires.Contains(p))));
        return s;
    }

    [Fact]
    public void Scan_touching_a_tripwire_port_is_decided_by_the_tripwire_at_its_second_failure()
    {
        var s = new Scenario().SynScan(Scanner, [80, 23, 21, 110, 111], 0, 1.0);

        var v = Assert.Single(EngineRun.Over(s).Sink.Verdicts);
        Assert.Equal(DetectorKind.Tripwire, v.Detector);
        Assert.Equal(2, v.Evidence.Probes);
        Assert.Equal(ScanKind.Syn, v.Scan);
    }

    [Fact]
    public void Nmap_syn_scan_is_flagged_as_syn_by_nmap_within_a_few_probes()
    {
        var (_, sink) = EngineRun.Over(TopPortsScan((s, ports) => s.SynScan(Scanner, ports, 4.01, 0.00006)));

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(SourceKey.ForAddress(Events.Ip(Scanner)), v.Source);
        Assert.Equal(ScanKind.Syn, v.Scan);
        Assert.Equal(ScannerTool.Nmap, v.Tool);
        Assert.InRange(v.Evidence.Probes, 4, 20);
        Assert.Contains("window 1024", v.Evidence.FingerprintDetail);
    }

    [Fact]
    public void Nmap_syn_scan_without_discovery_is_flagged_by_trw_after_four_failures()
    {
        var ports = new ushort[] { 1, 3, 4, 6, 7, 9, 13, 17 }; // all closed, far apart so the window cannot fire
        var s = new Scenario().SynScan(Scanner, ports, 0, 1.0);

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(DetectorKind.Trw, v.Detector);
        Assert.Equal(4, v.Evidence.Probes);
        Assert.True(v.Evidence.Score >= Math.Log(99) - 1e-6);
        Assert.Equal(Math.Log(99), v.Evidence.Threshold, 3);
    }

    [Fact]
    public void Fast_scan_is_flagged_by_the_window_threshold_when_successes_hold_trw_back()
    {
        // A scanner that knows the open ports: alternating open and closed privileged ports within 3 s.
        var s = new Scenario();
        ushort[] closed = [21, 80, 110, 111, 143, 993, 995, 587];
        var t = 0.0;
        for (var i = 0; i < closed.Length; i++)
        {
            s.SynScan(Scanner, [Scenario.OpenTcp[i % 4]], t, 0);
            s.SynScan(Scanner, [closed[i]], t + 0.01, 0);
            t += 0.02;
        }

        var (_, sink) = EngineRun.Over(s, servedTcp: Scenario.OpenTcp);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(DetectorKind.WindowThreshold, v.Detector);
        Assert.True(v.Evidence.Score >= 21);
    }

    [Fact]
    public void Nmap_connect_scan_is_flagged_as_connect()
    {
        var (_, sink) = EngineRun.Over(TopPortsScan((s, ports) => s.ConnectScan("198.51.100.8", ports, 4.01, 0.00006), discovery: false));

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(ScanKind.Connect, v.Scan);
        Assert.Equal("198.51.100.8", v.Source.Address.ToString());
    }

    [Theory]
    [InlineData(TcpFlags.Fin, ScanKind.Fin)]
    [InlineData(TcpFlags.None, ScanKind.Null)]
    [InlineData(TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg, ScanKind.Xmas)]
    [InlineData(TcpFlags.Syn | TcpFlags.Fin, ScanKind.SynFin)]
    [InlineData(TcpFlags.Urg | TcpFlags.Psh, ScanKind.OddFlags)]
    public void Never_legitimate_flag_scans_are_flagged_by_stealth_flags_with_their_type(TcpFlags flags, ScanKind expected)
    {
        var (_, sink) = EngineRun.Over(TopPortsScan((s, ports) => s.FlagScan(Scanner, ports, 4.01, 0.001, flags), discovery: false), servedTcp: Scenario.OpenTcp);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(expected, v.Scan);
        Assert.Equal(DetectorKind.StealthFlags, v.Detector);
        Assert.Equal(3, v.Evidence.Probes);
        Assert.Equal(flags, v.Evidence.FlagsSeen);
    }

    [Fact]
    public void Fin_scan_after_nmap_discovery_is_still_called_fin_and_names_nmap()
    {
        var (_, sink) = EngineRun.Over(TopPortsScan((s, ports) => s.FlagScan(Scanner, ports, 4.01, 0.001, TcpFlags.Fin)));

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(ScanKind.Fin, v.Scan);
        Assert.Equal(ScannerTool.Nmap, v.Tool);
    }

    [Theory]
    [InlineData(TcpFlags.Ack, ScanKind.Ack)]
    [InlineData(TcpFlags.Fin | TcpFlags.Ack, ScanKind.Maimon)]
    public void Ack_and_maimon_scans_are_flagged_on_unserved_ports(TcpFlags flags, ScanKind expected)
    {
        var (_, sink) = EngineRun.Over(TopPortsScan((s, ports) => s.FlagScan(Scanner, ports, 4.01, 0.001, flags), discovery: false), servedTcp: Scenario.OpenTcp);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(expected, v.Scan);
        Assert.Empty(v.Evidence.OpenPortsReached);
    }

    [Fact]
    public void Masscan_zmap_and_mirai_syns_are_fingerprinted()
    {
        var s = new Scenario();
        var dst = Events.Server.V4;
        for (ushort i = 0; i < 6; i++)
        {
            var port = (ushort)(1000 + (i * 37));
            var seq = 0xDEAD_0000u + i;
            s.Add(Events.Syn("198.51.100.20", port, i * 0.01, window: 1024, opts: SynOptions.None, seq: seq, ipId: (dst ^ port ^ seq) & 0xFFFF));
            s.Add(Events.Syn("198.51.100.21", port, i * 0.01, window: 65535, opts: SynOptions.None, ipId: 54321));
            s.Add(Events.Syn("198.51.100.22", port, i * 0.01, window: 14600, opts: SynOptions.None, seq: dst));
            s.Add(Events.Syn("198.51.100.23", port, i * 0.01, window: 29200, opts: SynOptions.None));
        }

        var (_, sink) = EngineRun.Over(s);

        Assert.Equal(ScannerTool.Masscan, sink.For("198.51.100.20")!.Tool);
        Assert.Equal(ScannerTool.Zmap, sink.For("198.51.100.21")!.Tool);
        Assert.Equal(ScannerTool.Mirai, sink.For("198.51.100.22")!.Tool);
        Assert.Equal(ScannerTool.RawSyn, sink.For("198.51.100.23")!.Tool);
        Assert.All(sink.Verdicts, v => Assert.Equal(ScanKind.Syn, v.Scan));
    }

    [Fact]
    public void Syn_scan_from_ipv6_is_flagged_for_the_address()
    {
        var s = new Scenario();
        for (ushort i = 0; i < 8; i++)
        {
            s.Add(Events.Syn("2001:db8:bad::7", (ushort)(100 + i), i * 0.5, window: 1024, opts: SynOptions.Nmap, dst: "2001:db8::10"));
        }

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(SourceKeyKind.IPv6, v.Source.Kind);
    }

    [Fact]
    public void Ipv6_scanner_rotating_addresses_in_its_slash64_is_flagged_as_the_prefix()
    {
        var s = new Scenario();
        for (var i = 0; i < 12; i++)
        {
            s.Add(Events.Syn($"2001:db8:bad:1::{i + 1:x}", (ushort)(100 + i), i * 0.5, window: 1024, opts: SynOptions.Nmap, dst: "2001:db8::10"));
        }

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(SourceKeyKind.IPv6Prefix64, v.Source.Kind);
        Assert.Equal("2001:db8:bad:1::", v.Source.Address.ToString());
    }
}
