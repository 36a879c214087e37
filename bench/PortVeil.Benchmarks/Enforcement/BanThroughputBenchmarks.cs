using BenchmarkDotNet.Attributes;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.Benchmarks.Enforcement;

/// <summary>
/// Ban and unban throughput through libnftables into a real kernel set, inside a throwaway network namespace.
/// One operation = one batch (one transaction) of <see cref="BatchSize"/> sources; divide by BatchSize for a
/// per-ban cost. `Ban` re-bans sources already banned (the renewal path: add + delete + add, so the new timeout
/// wins); <see cref="FreshBanBenchmarks"/> measures first bans (a single add). The watchdog runs as in production (its netlink monitor makes the kernel emit one event per
/// element, which is part of the real cost).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class BanThroughputBenchmarks
{
    private NetworkNamespace? _ns;
    private NftEnforcer? _enforcer;
    private BanRequest[] _bans = [];
    private SourceKey[] _keys = [];

    [Params(1, 100, 10_000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ns = NetworkNamespace.Create("bench");
        _enforcer = _ns.RunInside(() => new NftEnforcer());
        _enforcer.EnsureTableAsync().GetAwaiter().GetResult();
        _keys = new SourceKey[BatchSize];
        _bans = new BanRequest[BatchSize];
        for (var i = 0; i < BatchSize; i++)
        {
            // 198.51.100.0/24 and 203.0.113.0/24 hold 512 addresses; larger batches use 2001:db8::/32.
            var address = i < 256
                ? NetAddress.FromV4(0xC6336400u | (uint)i)
                : new NetAddress(0x2001_0DB8_0000_0000UL, (ulong)i);
            _keys[i] = SourceKey.ForAddress(address);
            _bans[i] = new BanRequest(_keys[i], TimeSpan.FromHours(1));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _enforcer?.Dispose();
        _ns?.Dispose();
    }

    [Benchmark]
    public Task Ban() => _enforcer!.BanAsync(_bans);

    [Benchmark]
    public Task Unban() => _enforcer!.UnbanAsync(_keys);
}
