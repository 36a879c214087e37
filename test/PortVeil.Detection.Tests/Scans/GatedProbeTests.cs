using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Scans;

/// <summary>SYNs that first-contact gating dropped (tagged pv:gated) reached a served port but learned nothing.</summary>
public class GatedProbeTests
{
    private const string Scanner = "198.51.100.8";

    [Fact]
    public void Gated_SYNs_to_served_ports_are_not_exposure_but_the_served_SYN_that_got_through_is()
    {
        var s = new Scenario();
        s.Add(Events.Tcp(Scanner, 22, 0.00, TcpFlags.Syn, window: 1024, tag: PacketTag.Gated));
        s.Add(Events.Tcp(Scanner, 443, 0.01, TcpFlags.Syn, window: 1024, tag: PacketTag.Served));
        ushort[] closed = [1, 3, 4, 5, 6, 7, 9, 13, 17, 19];
        for (var i = 0; i < closed.Length; i++)
        {
            s.Add(Events.Tcp(Scanner, closed[i], 0.02 + i * 0.01, TcpFlags.Syn, window: 1024, tag: PacketTag.Unserved));
        }

        var v = EngineRun.Over(s, servedTcp: [22, 443]).Sink.Verdicts[0];

        Assert.Equal([(ushort)443], v.Evidence.OpenPortsReached);
        Assert.Contains((ushort)22, v.Evidence.PortsProbed);
        Assert.DoesNotContain((ushort)22, v.Evidence.ClosedPorts);
    }
}
