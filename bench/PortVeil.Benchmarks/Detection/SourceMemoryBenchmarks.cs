using BenchmarkDotNet.Attributes;
using PortVeil.Core;
using PortVeil.Detection;

namespace PortVeil.Benchmarks.Detection;

/// <summary>
/// Memory per tracked source: one operation = one engine sized for 1 M sources, filled with 1 M distinct sources.
/// Allocated / 1,000,000 is the bytes per source (the table is allocated once, up front; filling it allocates nothing).
/// </summary>
[MemoryDiagnoser]
public class SourceMemoryBenchmarks
{
    private const int Sources = 1_000_000;
    private PacketEvent[] _events = [];

    [GlobalSetup]
    public void Setup()
    {
        _events = new PacketEvent[Sources];
        for (var i = 0; i < Sources; i++)
        {
            _events[i] = new PacketEvent
            {
                TimestampNs = 1_000_000_000L + i,
                Source = NetAddress.FromV4(0x0A00_0000u + (uint)i),
                Destination = NetAddress.FromV4(0xCB00_710A),
                Protocol = IpProtocol.Tcp,
                DestinationPort = 8080,
                SourcePort = 40_000,
                Flags = TcpFlags.Syn,
                Window = 64240,
                Options = TcpOptionSummary.Empty,
                Direction = PacketDirection.Inbound,
            };
        }
    }

    [Benchmark]
    public int EngineWithOneMillionSources()
    {
        var engine = new DetectionEngine(new DetectionOptions { Capacity = Sources }, new CountingSink());
        engine.Served.Mark(IpProtocol.Tcp, 8080);
        for (var i = 0; i < _events.Length; i++)
        {
            engine.Process(in _events[i]);
        }

        return engine.TrackedSources;
    }
}
