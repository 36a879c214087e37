using BenchmarkDotNet.Attributes;
using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Benchmarks.Enforcement;

/// <summary>
/// Allowlist lookups as the policy makes them, once per verdict (and, in a flood, once per spoofed verdict):
/// an address lookup and a subnet overlap test over a list of 16 (a typical host) or 10,000 entries (a big static
/// list). Budget: 0 bytes per lookup. Each operation is 1,024 lookups, half of them hits.
/// </summary>
[MemoryDiagnoser]
public class AllowlistBenchmarks
{
    private const int Lookups = 1024;
    private AllowlistIndex _index = null!;
    private NetAddress[] _addresses = [];
    private NetPrefix[] _subnets = [];

    [Params(16, 10_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        var entries = new List<AllowlistEntry>();
        var listed = new List<NetAddress>();
        for (var i = 0; i < Entries; i++)
        {
            var a = i % 2 == 0
                ? NetAddress.FromV4((uint)random.NextInt64(0x0100_0000, 0xDF00_0000))
                : new NetAddress(0x2001_0DB8_0000_0000UL | (uint)random.Next(), (ulong)random.NextInt64());
            var length = a.IsIPv4 ? (i % 4 == 0 ? 24 : 32) : (i % 4 == 1 ? 64 : 128);
            entries.Add(new AllowlistEntry(new NetPrefix(a, length), AllowlistSource.Static, "bench"));
            listed.Add(a);
        }

        _index = AllowlistIndex.Create(entries);
        _addresses = new NetAddress[Lookups];
        _subnets = new NetPrefix[Lookups];
        for (var i = 0; i < Lookups; i++)
        {
            var a = i % 2 == 0 ? listed[random.Next(listed.Count)] : NetAddress.FromV4((uint)random.NextInt64(0x0100_0000, 0xDF00_0000));
            _addresses[i] = a;
            _subnets[i] = NetPrefix.SubnetOf(a);
        }
    }

    [Benchmark(OperationsPerInvoke = Lookups)]
    public int TryMatch()
    {
        var hits = 0;
        foreach (var a in _addresses)
        {
            hits += _index.TryMatch(a, out _) ? 1 : 0;
        }

        return hits;
    }

    [Benchmark(OperationsPerInvoke = Lookups)]
    public int TryFindOverlap()
    {
        var hits = 0;
        foreach (var s in _subnets)
        {
            hits += _index.TryFindOverlap(s, out _) ? 1 : 0;
        }

        return hits;
    }
}
