using System.Diagnostics;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.Benchmarks.Enforcement;

/// <summary>
/// `dotnet run -c Release --project bench/PortVeil.Benchmarks -- repair-latency [rounds]`: time from someone
/// else's `flush ruleset` (or `delete table inet portveil`, alternating) to our table being intact again with
/// its 1000 bans, inside a throwaway namespace. The intruder is a second libnftables context in the same
/// namespace, so the clock starts right at its commit.
/// </summary>
public static class RepairLatencyProbe
{
    public static void Run(TextWriter output, int rounds, NftEnforcerOptions options)
    {
        using var ns = NetworkNamespace.Create("rep");
        using var enforcer = ns.RunInside(() => new NftEnforcer(options));
        using var intruder = ns.RunInside(() => new NftContext());
        enforcer.EnsureTableAsync().GetAwaiter().GetResult();
        var bans = new BanRequest[1000];
        for (var i = 0; i < bans.Length; i++)
        {
            bans[i] = new BanRequest(SourceKey.ForAddress(new NetAddress(0x2001_0DB8_0000_0000UL, (ulong)i + 1)), TimeSpan.FromHours(1));
        }

        enforcer.BanAsync(bans).GetAwaiter().GetResult();
        var samples = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var command = r % 2 == 0 ? "flush ruleset" : "delete table inet portveil";
            var start = Stopwatch.GetTimestamp();
            intruder.Run(command, json: false).EnsureSuccess(command);
            while (!enforcer.IsTableIntactAsync().GetAwaiter().GetResult())
            {
                if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(10))
                {
                    throw new TimeoutException("table not repaired within 10 s");
                }

                Thread.Sleep(1);
            }

            samples[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var restored = enforcer.ListAsync().GetAwaiter().GetResult().Count;
            if (restored != bans.Length)
            {
                throw new InvalidOperationException($"{restored} bans restored, {bans.Length} expected");
            }
        }

        Array.Sort(samples);
        output.WriteLine($"repairs: {rounds} (netlink monitor {options.NetlinkMonitor}, poll {options.WatchdogInterval.TotalMilliseconds} ms), "
            + $"1000 bans restored each time; p50 {samples[rounds / 2]:F1} ms, max {samples[^1]:F1} ms");
    }
}
