using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using PortVeil.Core;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Benchmarks.Storage;

/// <summary>The per-packet cost of folding packets into minute rows (goal: 0 bytes allocated per packet).</summary>
[MemoryDiagnoser]
public class EventMinuteAggregatorBenchmarks
{
    private const int Packets = 4096;

    private readonly PacketEvent[] _packets = new PacketEvent[Packets];
    private string _dir = string.Empty;
    private SqliteStore _store = null!;
    private EventWriter _writer = null!;
    private EventMinuteAggregator _aggregator = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "portveil-bench-" + Guid.NewGuid().ToString("N"));
        _store = SqliteStore.Open(new SqliteStoreOptions { Path = Path.Combine(_dir, "bench.db") });
        _writer = new EventWriter(_store);
        _aggregator = new EventMinuteAggregator(_writer);
        var t0 = 1_763_640_000_000_000_000L;
        for (var i = 0; i < Packets; i++)
        {
            _packets[i] = new PacketEvent
            {
                TimestampNs = t0 + i * 1000L,
                Source = NetAddress.FromV4(0xCB00_7100u + (uint)(i % 512)),
                Protocol = IpProtocol.Tcp,
                DestinationPort = (ushort)(1 + (i % 1000)),
                Flags = TcpFlags.Syn,
                Tag = PacketTag.Unserved,
            };
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public void AddPacket()
    {
        for (var i = 0; i < _packets.Length; i++)
        {
            _aggregator.Add(in _packets[i]);
        }
    }
}
