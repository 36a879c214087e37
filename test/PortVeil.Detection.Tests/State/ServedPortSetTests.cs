using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.State;

public class ServedPortSetTests
{
    [Fact]
    public void Marked_ports_are_served_per_protocol()
    {
        var served = new ServedPortSet();
        served.Mark(IpProtocol.Tcp, 443);
        served.Mark(IpProtocol.Udp, 53);
        served.Mark(IpProtocol.Sctp, 65535);

        Assert.True(served.IsServed(IpProtocol.Tcp, 443));
        Assert.False(served.IsServed(IpProtocol.Udp, 443));
        Assert.True(served.IsServed(IpProtocol.Udp, 53));
        Assert.True(served.IsServed(IpProtocol.UdpLite, 53));
        Assert.True(served.IsServed(IpProtocol.Sctp, 65535));
        Assert.False(served.IsServed(IpProtocol.Icmp, 0));
    }

    [Fact]
    public void Unmark_forgets_both_marked_and_seen()
    {
        var (engine, _) = EngineRun.Over(new Scenario().Connection("192.0.2.5", 8080, 0), servedTcp: [8080]);
        Assert.True(engine.Served.IsSeenServed(IpProtocol.Tcp, 8080));

        engine.Served.Unmark(IpProtocol.Tcp, 8080);

        Assert.False(engine.Served.IsServed(IpProtocol.Tcp, 8080));
    }

    [Fact]
    public void Udp_reply_from_the_hosts_own_outgoing_query_does_not_mark_a_port_served()
    {
        // The host resolving a name: its own query leaves from port 40000; nobody probed 40000.
        var (engine, _) = EngineRun.Over([Events.UdpReply("192.0.2.53", 40_000, 0, toPort: 53)]);

        Assert.False(engine.Served.IsServed(IpProtocol.Udp, 40_000));
    }

    [Fact]
    public void Established_traffic_from_an_ephemeral_local_port_is_not_learned_as_served()
    {
        // The host as a client (apt update to 443): local port 51000 is not a service.
        var (engine, _) = EngineRun.Over([Events.Reply("192.0.2.80", 51_000, 0, TcpFlags.Ack | TcpFlags.Psh, toPort: 443)]);

        Assert.False(engine.Served.IsServed(IpProtocol.Tcp, 51_000));
    }
}
