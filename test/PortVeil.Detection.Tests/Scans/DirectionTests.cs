using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Scans;

public class DirectionTests
{
    [Fact]
    public void Unknown_direction_is_treated_as_inbound()
    {
        var s = new Scenario();
        for (var i = 0; i < 5; i++)
        {
            s.Add(Events.NmapSyn("198.51.100.80", (ushort)(10 + i), i * 0.5) with { Direction = PacketDirection.Unknown });
        }

        Assert.Single(EngineRun.Over(s).Sink.Verdicts);
    }

    [Fact]
    public void Outbound_syns_of_the_host_as_a_client_are_not_probes()
    {
        var s = new Scenario();
        for (var i = 0; i < 20; i++)
        {
            s.Add(Events.Reply("192.0.2.80", (ushort)(50_000 + i), i, TcpFlags.Syn, toPort: (ushort)(100 + i)));
        }

        var (engine, sink) = EngineRun.Over(s);

        Assert.Empty(sink.Verdicts);
        Assert.Equal(0, engine.TrackedSources);
    }

    [Fact]
    public void Icmp_host_discovery_echo_and_timestamp_across_twenty_hosts_is_a_ping_sweep()
    {
        var s = new Scenario();
        for (var h = 1; h <= 20; h++)
        {
            s.Add(Events.Icmp("198.51.100.81", 8, h * 0.01, dst: $"203.0.113.{h}"));
            s.Add(Events.Icmp("198.51.100.81", 13, (h * 0.01) + 0.001, dst: $"203.0.113.{h}"));
        }

        var v = Assert.Single(EngineRun.Over(s).Sink.Verdicts);
        Assert.Equal(ScanKind.PingSweep, v.Scan);
    }

    [Fact]
    public void Icmp_errors_and_echo_replies_arriving_inbound_are_not_probes()
    {
        var s = new Scenario();
        for (var i = 0; i < 30; i++)
        {
            s.Add(Events.Icmp("192.0.2.90", 0, i));  // echo reply
            s.Add(Events.Icmp("192.0.2.90", 3, i));  // destination unreachable
            s.Add(Events.Icmp("192.0.2.90", 11, i)); // time exceeded
        }

        var (engine, sink) = EngineRun.Over(s);

        Assert.Empty(sink.Verdicts);
        Assert.Equal(0, engine.TrackedSources);
    }
}
