using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using PortVeil.Core;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Benchmarks.Storage;

/// <summary>What a producer pays to hand an event aggregate to storage (the writer drains it in the background).</summary>
[MemoryDiagnoser]
public class EventWriterBenchmarks
{
    private const int Writes = 1024;

    private string _dir = string.Empty;
    private SqliteStore _store = null!;
    private EventWriter _writer = null!;
    private EventAggregate _aggregate;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "portveil-bench-" + Guid.NewGuid().ToString("N"));
        _store = SqliteStore.Open(new SqliteStoreOptions { Path = Path.Combine(_dir, "bench.db") });
        _writer = new EventWriter(_store);
        _aggregate = new EventAggregate
        {
            Source = NetAddress.FromV4(0xCB00_7107u),
            BucketStartMs = 1_763_640_000_000,
            Protocol = IpProtocol.Tcp,
            Tag = PacketTag.Unserved,
            Packets = 17,
            DistinctPorts = 9,
            FirstSeenMs = 1_763_640_000_100,
            LastSeenMs = 1_763_640_059_000,
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Writes)]
    public bool TryWriteEvent()
    {
        var ok = true;
        for (var i = 0; i < Writes; i++)
        {
            ok &= _writer.TryWriteEvent(in _aggregate);
        }

        return ok;
    }
}
