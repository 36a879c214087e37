using PortVeil.Core;

namespace PortVeil.Detection.Tests.Support;

/// <summary>Runs a real engine over events and returns what it said.</summary>
public static class EngineRun
{
    public static (DetectionEngine Engine, CollectingSink Sink) Over(IEnumerable<PacketEvent> events, DetectionOptions? options = null, IEnumerable<ushort>? servedTcp = null)
    {
        var sink = new CollectingSink();
        var engine = new DetectionEngine(options ?? new DetectionOptions { HashSecret = 0x1234_5678_9ABC_DEF0UL }, sink);
        foreach (var port in servedTcp ?? [])
        {
            engine.Served.Mark(IpProtocol.Tcp, port);
        }

        long last = 0;
        foreach (var e in events)
        {
            engine.Process(in e);
            last = e.TimestampNs;
        }

        engine.Flush(last);
        return (engine, sink);
    }

    public static (DetectionEngine Engine, CollectingSink Sink) Over(Scenario scenario, DetectionOptions? options = null, IEnumerable<ushort>? servedTcp = null) =>
        Over(scenario.Sorted(), options, servedTcp);
}
