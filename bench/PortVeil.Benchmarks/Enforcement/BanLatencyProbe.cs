using System.Diagnostics;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.Benchmarks.Enforcement;

/// <summary>
/// `dotnet run -c Release --project bench/PortVeil.Benchmarks -- ban-latency [count]`: latency of single bans, from
/// the call to the element being in the kernel set, as percentiles. BenchmarkDotNet reports per-iteration means;
/// a p99 needs every call timed, hence this probe. BanAsync completes when the kernel has acknowledged the
/// committed transaction, so the element is in the set when the clock stops; the set is read back at the end
/// to prove every ban is there.
/// </summary>
public static class BanLatencyProbe
{
    public static void Run(TextWriter output, int count, NftEnforcerOptions options)
    {
        using var ns = NetworkNamespace.Create("lat");
        using var enforcer = ns.RunInside(() => new NftEnforcer(options));
        enforcer.EnsureTableAsync().GetAwaiter().GetResult();
        var samples = new double[count];
        for (var i = -200; i < count; i++)
        {
            // 2001:db8::/32 gives fresh addresses for every call; the first 200 calls warm up.
            var key = SourceKey.ForAddress(new NetAddress(0x2001_0DB8_0000_0000UL, (ulong)(i + 1000)));
            var start = Stopwatch.GetTimestamp();
            enforcer.BanAsync([new BanRequest(key, TimeSpan.FromMinutes(10))]).GetAwaiter().GetResult();
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= 0)
            {
                samples[i] = elapsed;
            }
        }

        var inKernel = enforcer.ListAsync().GetAwaiter().GetResult().Count;
        if (inKernel != count + 200)
        {
            throw new InvalidOperationException($"{inKernel} bans in the kernel set, {count + 200} expected");
        }

        Array.Sort(samples);
        output.WriteLine($"single bans: {count} (watchdog {options.Watchdog}, netlink monitor {options.NetlinkMonitor}), p50 {Percentile(samples, 0.50):F3} ms, p90 {Percentile(samples, 0.90):F3} ms, "
            + $"p99 {Percentile(samples, 0.99):F3} ms, max {samples[^1]:F3} ms");
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
