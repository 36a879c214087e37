using System.Diagnostics;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Interop;
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
    /// <param name="gapMs">Idle time before each ban (0: back to back), as between bans in the daemon.</param>
    /// <param name="onCallingThread">Ban with <see cref="NftEnforcer.Ban"/> (the daemon's way: fresh bans as one
    /// nf_tables netlink batch) instead of <see cref="NftEnforcer.BanAsync"/> (libnftables JSON on the context's
    /// thread: a hop there and back).</param>
    public static void Run(TextWriter output, int count, NftEnforcerOptions options, int gapMs = 0, bool onCallingThread = false)
    {
        using var ns = NetworkNamespace.Create("lat");
        var nsPath = Path.Combine("/var/run/netns", ns.Name);
        using var enforcer = new NftEnforcer(options with { NetworkNamespacePath = nsPath });
        enforcer.EnsureTableAsync().GetAwaiter().GetResult();
        var samples = onCallingThread
            ? NetworkNamespaceJoin.Run(nsPath, () => Measure(enforcer, count, gapMs, inline: true))
            : Measure(enforcer, count, gapMs, inline: false);

        var inKernel = enforcer.ListAsync().GetAwaiter().GetResult().Count;
        if (inKernel != count + 200)
        {
            throw new InvalidOperationException($"{inKernel} bans in the kernel set, {count + 200} expected");
        }

        Array.Sort(samples);
        output.WriteLine($"single bans: {count} (watchdog {options.Watchdog}, netlink monitor {options.NetlinkMonitor}, gap {gapMs} ms, {(onCallingThread ? "Ban: netlink fast path" : "BanAsync: libnftables on its thread")}), p50 {Percentile(samples, 0.50):F3} ms, p90 {Percentile(samples, 0.90):F3} ms, "
            + $"p99 {Percentile(samples, 0.99):F3} ms, max {samples[^1]:F3} ms; netlink fast path {enforcer.FastPathBans} (last errno {enforcer.LastFastPathError})");
    }

    private static double[] Measure(NftEnforcer enforcer, int count, int gapMs, bool inline)
    {
        var samples = new double[count];
        for (var i = -200; i < count; i++)
        {
            // 2001:db8::/32 gives fresh addresses for every call; the first 200 calls warm up.
            var key = SourceKey.ForAddress(new NetAddress(0x2001_0DB8_0000_0000UL, (ulong)(i + 1000)));
            if (gapMs > 0)
            {
                Thread.Sleep(gapMs);
            }

            var start = Stopwatch.GetTimestamp();
            if (inline)
            {
                enforcer.Ban([new BanRequest(key, TimeSpan.FromMinutes(10))]);
            }
            else
            {
                enforcer.BanAsync([new BanRequest(key, TimeSpan.FromMinutes(10))]).GetAwaiter().GetResult();
            }

            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i >= 0)
            {
                samples[i] = elapsed;
            }
        }

        return samples;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
