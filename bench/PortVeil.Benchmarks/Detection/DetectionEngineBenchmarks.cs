using BenchmarkDotNet.Attributes;
using PortVeil.Core;
using PortVeil.Detection;

namespace PortVeil.Benchmarks.Detection;

/// <summary>
/// Engine throughput over ~1 M pre-generated events. One operation = one event (OperationsPerInvoke), so the Mean
/// column is ns/event and Allocated is bytes/event. A fresh engine per iteration, built in IterationSetup (the
/// table's one-time allocation is not per-event cost).
/// </summary>
[MemoryDiagnoser]
public class DetectionEngineBenchmarks
{
    private const int EventCount = 1 << 20;
    private PacketEvent[] _mixed = [];
    private PacketEvent[] _noVerdicts = [];
    private PacketEvent[] _decoys = [];
    private DetectionEngine _engine = null!;
    private CountingSink _sink = null!;

    [GlobalSetup]
    public void Setup()
    {
        _mixed = MixedEventStream.Create(EventCount, seed: 1);
        _noVerdicts = MixedEventStream.Create(EventCount, seed: 2, withScans: false, withSpoofed: false);
        _decoys = MixedEventStream.Create(EventCount, seed: 3, decoys: true);
    }

    [IterationSetup]
    public void NewEngine()
    {
        _sink = new CountingSink();
        _engine = new DetectionEngine(new DetectionOptions { HashSecret = 0x5EED }, _sink);
        foreach (var port in MixedEventStream.Served)
        {
            _engine.Served.Mark(IpProtocol.Tcp, port);
        }
    }

    /// <summary>Scans + benign + spoofed: includes the (rare) verdicts, whose evidence is the only allocation.</summary>
    [Benchmark(OperationsPerInvoke = EventCount)]
    public int MixedStream()
    {
        var engine = _engine;
        var events = _mixed;
        for (var i = 0; i < events.Length; i++)
        {
            engine.Process(in events[i]);
        }

        return _sink.Count;
    }

    /// <summary>The mixed stream with every SYN scan an nmap -D scan (3 forged decoys per probe): decoy-cohort detection under load.</summary>
    [Benchmark(OperationsPerInvoke = EventCount)]
    public int DecoyStream()
    {
        var engine = _engine;
        var events = _decoys;
        for (var i = 0; i < events.Length; i++)
        {
            engine.Process(in events[i]);
        }

        return _sink.Count;
    }

    /// <summary>Benign guests only: the steady state must allocate exactly nothing.</summary>
    [Benchmark(OperationsPerInvoke = EventCount)]
    public int BenignStream()
    {
        var engine = _engine;
        var events = _noVerdicts;
        for (var i = 0; i < events.Length; i++)
        {
            engine.Process(in events[i]);
        }

        return _sink.Count;
    }
}
