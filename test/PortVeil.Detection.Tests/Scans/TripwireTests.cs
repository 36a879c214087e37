using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Scans;

public class TripwireTests
{
    [Fact]
    public void One_unverified_syn_to_a_tripwire_port_is_not_a_verdict()
    {
        var s = new Scenario().Add(Events.NmapSyn("198.51.100.60", 3389, 0));

        Assert.Empty(EngineRun.Over(s).Sink.Verdicts);
    }

    [Fact]
    public void Tripwire_touch_corroborated_by_a_second_failure_is_a_tripwire_verdict()
    {
        var s = new Scenario();
        s.Add(Events.NmapSyn("198.51.100.61", 6379, 0));
        s.Add(Events.NmapSyn("198.51.100.61", 9999, 30));

        var v = Assert.Single(EngineRun.Over(s).Sink.Verdicts);
        Assert.Equal(DetectorKind.Tripwire, v.Detector);
        Assert.Equal(2, v.Evidence.Probes);
        Assert.Contains((ushort)6379, v.Evidence.ClosedPorts);
        Assert.False(v.SourceVerified);
    }

    [Fact]
    public void Tripwire_touch_by_a_verified_source_is_a_verdict_on_first_touch()
    {
        var s = new Scenario();
        s.Connection("198.51.100.62", 22, 0);               // completes a handshake: a real address
        s.Add(Events.Syn("198.51.100.62", 445, 10));

        var v = Assert.Single(EngineRun.Over(s, servedTcp: [22]).Sink.Verdicts);
        Assert.Equal(DetectorKind.Tripwire, v.Detector);
        Assert.True(v.SourceVerified);
        Assert.Equal([22], v.Evidence.OpenPortsReached);
    }

    [Fact]
    public void Served_tripwire_port_is_not_a_tripwire()
    {
        var s = new Scenario();
        s.Connection("198.51.100.63", 3389, 0);
        s.Connection("198.51.100.63", 3389, 5);

        Assert.Empty(EngineRun.Over(s, servedTcp: [3389]).Sink.Verdicts);
    }

    [Fact]
    public void Kernel_tripwire_tag_overrides_the_port_guess()
    {
        var s = new Scenario();
        s.Add(Events.Syn("198.51.100.64", 2222, 0, tag: PacketTag.Tripwire));
        s.Add(Events.Syn("198.51.100.64", 2223, 1, tag: PacketTag.Unserved));

        var v = Assert.Single(EngineRun.Over(s, new DetectionOptions { HashSecret = 3 }).Sink.Verdicts);
        Assert.Equal(DetectorKind.Tripwire, v.Detector);
    }
}
