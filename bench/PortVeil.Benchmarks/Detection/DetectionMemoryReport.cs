using System.Globalization;
using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection;

namespace PortVeil.Benchmarks.Detection;

/// <summary>
/// `dotnet run -c Release --project bench/PortVeil.Benchmarks -- detection-memory`: fills an engine with 1 M sources
/// and prints the managed heap growth per source next to sizeof(SourceState).
/// </summary>
internal static class DetectionMemoryReport
{
    public static void Run(TextWriter output)
    {
        const int sources = 1_000_000;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var engine = new DetectionEngine(new DetectionOptions { Capacity = sources }, new CountingSink());
        engine.Served.Mark(IpProtocol.Tcp, 8080);
        var e = new PacketEvent
        {
            Destination = NetAddress.FromV4(0xCB00_710A),
            Protocol = IpProtocol.Tcp,
            DestinationPort = 8080,
            Flags = TcpFlags.Syn,
            Options = TcpOptionSummary.Empty,
            Direction = PacketDirection.Inbound,
        };
        for (var i = 0; i < sources; i++)
        {
            e.TimestampNs = 1_000_000_000L + i;
            e.Source = NetAddress.FromV4(0x0A00_0000u + (uint)i);
            engine.Process(in e);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"sizeof(SourceState) = {Unsafe.SizeOf<PortVeil.Detection.State.SourceState>()} bytes + 4-byte tag = {PortVeil.Detection.State.SourceTable.BytesPerSlot} bytes per slot"));
        output.WriteLine(string.Create(c, $"engine with capacity {sources:N0}: {after - before:N0} bytes on the managed heap = {(after - before) / (double)sources:0.0} bytes per source slot"));
        output.WriteLine(string.Create(c, $"tracked sources after {sources:N0} distinct sources: {engine.TrackedSources:N0} (evictions {engine.Counters.Evictions:N0})"));
        GC.KeepAlive(engine);
    }
}
