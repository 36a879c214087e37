using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Scans;

/// <summary>Stealth probes as the live sensor reports them: tagged pv:stealth by the rule before the invalid drop.</summary>
public class StealthTagTests
{
    private const string Scanner = "198.51.100.7";

    [Theory]
    [InlineData(TcpFlags.Fin, ScanKind.Fin)]
    [InlineData(TcpFlags.None, ScanKind.Null)]
    [InlineData(TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg, ScanKind.Xmas)]
    public void Tagged_stealth_probes_flag_the_scanner_at_the_stealth_threshold_even_on_served_ports(TcpFlags flags, ScanKind scan)
    {
        var s = new Scenario();
        ushort[] ports = [22, 443, 1, 3, 4];
        for (var i = 0; i < ports.Length; i++)
        {
            s.Add(Events.Tcp(Scanner, ports[i], i * 0.01, flags, window: 1024, tag: PacketTag.Stealth));
        }

        var v = Assert.Single(EngineRun.Over(s, servedTcp: [22, 443]).Sink.Verdicts);
        Assert.Equal(DetectorKind.StealthFlags, v.Detector);
        Assert.Equal(scan, v.Scan);
        Assert.Equal(3, v.Evidence.Probes);
        Assert.Empty(v.Evidence.OpenPortsReached);
    }

    [Fact]
    public void Tagged_late_FIN_ACKs_to_served_ports_are_never_probes()
    {
        // Clients whose conntrack entries expired close their connections: FIN/ACK, logged by the stealth rule.
        var s = new Scenario();
        for (var i = 0; i < 20; i++)
        {
            s.Add(Events.Tcp(Scanner, 443, i * 0.5, TcpFlags.Fin | TcpFlags.Ack, sport: (ushort)(40_000 + i), tag: PacketTag.Stealth));
        }

        var (engine, sink) = EngineRun.Over(s, servedTcp: [443]);

        Assert.Empty(sink.Verdicts);
        Assert.Equal(0, engine.TrackedSources);
    }
}
