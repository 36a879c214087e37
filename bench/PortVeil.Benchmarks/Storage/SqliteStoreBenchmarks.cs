using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using PortVeil.Core;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;

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
        for (var i = 0; i < BatchSize; i++)
        {
            var decided = (t0.ToUnixTimeMilliseconds() + i) * 1_000_000L;
            _verdicts[i] = new Verdict
            {
                Source = SourceKey.ForAddress(NetAddress.FromV4(0xCB00_7100u + (uint)(i % 250))),
                Scan = ScanKind.Syn,
                Detector = DetectorKind.Trw,
                Tool = ScannerTool.Nmap,
                DecidedAtNs = decided,
                SourceVerified = true,
                Evidence = new Evidence
                {
                    Detector = DetectorKind.Trw,
                    Score = 6.93,
                    Threshold = 4.59,
                    Summary = "TRW: 5 failures, 0 successes; ln Λ 6.93 ≥ ln(η1) 4.60",
                    Probes = 40,
                    PortsProbed = [.. Enumerable.Range(1, 32).Select(p => (ushort)p)],
                    ClosedPorts = [.. Enumerable.Range(1, 29).Select(p => (ushort)p)],
                    OpenPortsReached = [22, 80, 443],
                    FlagsSeen = TcpFlags.Syn,
                    Tool = ScannerTool.Nmap,
                    FingerprintDetail = "window 1024, lone MSS 1460",
                    HostsProbed = 1,
                    FirstSeenNs = decided - 3_000_000_000,
                    LastSeenNs = decided,
                },
            };
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
