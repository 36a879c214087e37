using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Scans;

public class SlowScanTests
{
    private const string Scanner = "198.51.100.30";

    // A dozen ports including the open ones, as in the effectiveness bench (--scan-delay 21s -p ...).
    private static readonly ushort[] DozenPorts = [21, 22, 25, 80, 110, 443, 3306, 8080, 8443, 9000, 9200, 31337];

    [Fact]
    public void Slow_scan_one_probe_every_20s_over_a_dozen_ports_including_open_ones_is_detected()
    {
        var s = new Scenario().BenignMix(0, 300);
        s.SynScan(Scanner, s.Shuffled(DozenPorts), 2, 20);

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(Scanner, v.Source.Address.ToString());
        Assert.Equal(DetectorKind.SlowScan, v.Detector);
        Assert.Equal(ScanKind.Syn, v.Scan);
        Assert.Contains("Slow scan", v.Evidence.Summary);
    }

    [Fact]
    public void Slow_scan_one_probe_every_5_minutes_is_detected()
    {
        var s = new Scenario();
        s.SynScan(Scanner, s.Shuffled(DozenPorts), 0, 300);
        s.PingMonitor("192.0.2.28", 0, 10);

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(DetectorKind.SlowScan, v.Detector);
        Assert.True(v.DecidedAtNs - v.Evidence.FirstSeenNs >= TimeSpan.FromMinutes(15).Ticks * 100);
    }

    [Fact]
    public void Slow_connect_scan_every_5_minutes_is_detected_as_connect()
    {
        var s = new Scenario();
        s.ConnectScan(Scanner, s.Shuffled(DozenPorts), 0, 300);

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(ScanKind.Connect, v.Scan);
        Assert.Equal(DetectorKind.SlowScan, v.Detector);
        Assert.True(v.SourceVerified || v.Evidence.OpenPortsReached.Count == 0);
    }

    [Fact]
    public void Fourteen_fast_probes_then_a_20s_pause_repeated_is_detected_in_the_first_burst()
    {
        var s = new Scenario().BenignMix(0, 120);
        var ports = s.Shuffled(Scenario.TopTcp);
        for (var burst = 0; burst < 4; burst++)
        {
            s.SynScan(Scanner, ports.Skip(burst * 14).Take(14).ToArray(), 3 + (burst * 20.2), 0.01);
        }

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(Scanner, v.Source.Address.ToString());
        Assert.True(v.DecidedAtNs < Events.At(3 + 14 * 0.01 + 0.001));
    }

    [Fact]
    public void Suspect_is_remembered_for_hours_but_a_benign_source_is_forgotten_in_minutes()
    {
        var options = new DetectionOptions { HashSecret = 99 };
        var s = new Scenario();
        s.SynScan(Scanner, [1, 2], 0, 1);          // two failures: suspect
        s.Connection("192.0.2.50", 22, 0);          // one success: benign

        var sink = new CollectingSink();
        var engine = new DetectionEngine(options, sink);
        engine.Served.Mark(IpProtocol.Tcp, 22);
        foreach (var e in s.Sorted())
        {
            engine.Process(in e);
        }

        Assert.Equal(2, engine.TrackedSources);
        engine.Flush(Events.At(20 * 60));
        Assert.Equal(1, engine.TrackedSources);
        engine.Flush(Events.At(25 * 3600));
        Assert.Equal(0, engine.TrackedSources);
    }

    [Fact]
    public void Slow_scan_with_a_probe_every_5_minutes_is_not_detected_when_suspect_retention_is_shorter()
    {
        var s = new Scenario();
        s.SynScan(Scanner, DozenPorts.Where(p => Array.IndexOf(Scenario.OpenTcp, p) < 0).ToArray(), 0, 300);

        var (_, sink) = EngineRun.Over(s, new DetectionOptions { SuspectRetention = TimeSpan.FromMinutes(4), HashSecret = 5 });

        Assert.Empty(sink.Verdicts);
    }
}
