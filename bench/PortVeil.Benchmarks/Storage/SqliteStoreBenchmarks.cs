using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using PortVeil.Core;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Benchmarks.Storage;

/// <summary>
/// Batched writes into a real SQLite file (WAL, synchronous=NORMAL) in /tmp: one transaction per batch, as
/// EventWriter does. Each operation writes one batch: records/s = BatchSize / mean.
/// </summary>
[MemoryDiagnoser]
public class SqliteStoreBenchmarks
{
    private readonly StorageBatch _batch = new();
    private string _dir = string.Empty;
    private SqliteStore _store = null!;
    private Verdict[] _verdicts = [];
    private long _minute;

    [Params(100, 1000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "portveil-bench-" + Guid.NewGuid().ToString("N"));
        _store = SqliteStore.Open(new SqliteStoreOptions { Path = Path.Combine(_dir, "bench.db") });
        _verdicts = new Verdict[BatchSize];
        var t0 = DateTimeOffset.UtcNow;
        // Evidence as large as a real scan's: 40 probes over 32 ports, 29 closed and 3 open.
        ushort[] probed = [.. Enumerable.Range(1, 32).Select(p => (ushort)p)];
        for (var i = 0; i < BatchSize; i++)
        {
            var decided = t0.AddMilliseconds(i);
            _verdicts[i] = Some.Verdict(NetAddress.FromV4(0xCB00_7100u + (uint)(i % 250)), decided, Some.Evidence(decided, probed, [22, 80, 443], probes: 40));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark]
    public void Incidents()
    {
        _batch.Clear();
        for (var i = 0; i < _verdicts.Length; i++)
        {
            _batch.Incidents.Add(new IncidentRecord { Id = Guid.CreateVersion7(), Verdict = _verdicts[i], OriginHost = "bench" });
        }

        _store.WriteBatchAsync(_batch).GetAwaiter().GetResult();
    }

    [Benchmark]
    public void EventAggregates()
    {
        _batch.Clear();
        var bucket = ++_minute * 60_000;
        for (var i = 0; i < BatchSize; i++)
        {
            _batch.Events.Add(new EventAggregate
            {
                Source = NetAddress.FromV4(0xC633_6400u + (uint)i),
                BucketStartMs = bucket,
                Protocol = IpProtocol.Tcp,
                Tag = PacketTag.Unserved,
                Packets = 17,
                DistinctPorts = 9,
                FirstSeenMs = bucket + 100,
                LastSeenMs = bucket + 59_000,
            });
        }

        _store.WriteBatchAsync(_batch).GetAwaiter().GetResult();
    }
}
