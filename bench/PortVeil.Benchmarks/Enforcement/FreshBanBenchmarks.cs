using BenchmarkDotNet.Attributes;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.Benchmarks.Enforcement;

/// <summary>
/// First bans of never-banned sources (one add per element), in batches, inside a throwaway namespace. Each
/// iteration bans fresh 2001:db8::/32 addresses into emptied sets, so every operation is one invocation.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8, invocationCount: 1)]
public class FreshBanBenchmarks
{
    private NetworkNamespace? _ns;
    private NftEnforcer? _enforcer;
    private BanRequest[] _bans = [];
    private ulong _next = 1;

    [Params(1, 100, 10_000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ns = NetworkNamespace.Create("bench");
        _enforcer = _ns.RunInside(() => new NftEnforcer());
        _enforcer.EnsureTableAsync().GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void FreshSources()
    {
        _enforcer!.Context.Run("flush set inet portveil banned6", json: false).EnsureSuccess("flush");
        _bans = new BanRequest[BatchSize];
        for (var i = 0; i < BatchSize; i++)
        {
            _bans[i] = new BanRequest(SourceKey.ForAddress(new NetAddress(0x2001_0DB8_0000_0000UL, _next++)), TimeSpan.FromHours(1));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _enforcer?.Dispose();
        _ns?.Dispose();
    }

    [Benchmark]
    public Task BanFresh() => _enforcer!.BanAsync(_bans);
}
