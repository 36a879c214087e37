using System.Globalization;
using System.Net;
using PortVeil.Daemon;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Benchmarks.Daemon;

/// <summary>
/// `ban-path-latency [SOURCES] [--batched] [--hping] [--realtime PRIO] [--no-warmup] [--warmup-rounds N]` (root; defaults: realtime 10, warm-up on): the whole live path, measured per ban from the deciding
/// packet's kernel timestamp (NFLOG) to the ban committed in the kernel set, through the real daemon: NFLOG socket →
/// reader thread → detection thread (engine → policy → libnftables). A lab server runs the daemon; a scanner
/// namespace sends SYNs to closed ports "from" SOURCES distinct documentation addresses, one source at a time.
/// </summary>
/// <remarks>
/// The load generator is one raw socket in this process (<see cref="RawSynSender"/>): per source 8 SYNs 1 ms apart
/// (nmap -T4 pace), then a wait for the ban and 20 ms of quiet, so each ban is measured on its own. `--hping` uses
/// the first generator instead (one hping3 process per source, 20 ms apart), whose process starts competed with
/// the daemon for the 2 cores.
/// </remarks>
internal static class BanPathLatency
{
    private const int SynsPerSource = 8;
    private const int WarmUp = 20;

    private static double Q(long[] sorted, double q) => sorted[(int)Math.Clamp(Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)] / 1e6;

    public static int Run(string[] args)
    {
        var sources = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 303) : 300;
        var batched = args.Contains("--batched");
        var hping = args.Contains("--hping");
        var warmUp = !args.Contains("--no-warmup");
        var wr = Array.IndexOf(args, "--warmup-rounds");
        var warmUpRounds = wr > 0 && wr + 1 < args.Length ? int.Parse(args[wr + 1], CultureInfo.InvariantCulture) : BanPathWarmUp.DefaultRounds;
        var rt = Array.IndexOf(args, "--realtime");
        var realtime = rt > 0 && rt + 1 < args.Length ? int.Parse(args[rt + 1], CultureInfo.InvariantCulture) : PortVeil.Sensors.Nflog.NflogDefaults.RealtimePriority;
        Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        var state = Directory.CreateTempSubdirectory("pv-banlat-");
        try
        {
            var daemon = new PortVeilDaemon(new DaemonStages
            {
                NetworkNamespacePath = Path.Combine("/var/run/netns", lab.Server.Name),
                Storage = new SqliteStoreOptions { Path = Path.Combine(state.FullName, "portveil.db") },
                // Every spoofed source must become its own ban: no subnet bans, no budgets in the way.
                Policy = new PolicyOptions { SubnetBanMembers = 256, CampaignMembers = 0, SubnetBudgetPerHour = 65_536, BansPerMinute = 65_536 },
                HostName = "bench",
                WarmUpBanPath = warmUp,
                WarmUpRounds = warmUpRounds,
                // Deliver every NFLOG message at once (no kernel batching) unless --batched: latency over syscalls.
                Nflog = new() { QueueThreshold = batched ? 32 : 1, RealtimePriority = realtime },
            });
            daemon.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            Console.WriteLine(daemon.WarmUp is { } w ? $"warm-up at start: {w}" : "warm-up at start: off (--no-warmup)");
            try
            {
                var sent = hping ? SendWithHping(lab, sources) : SendWithRawSocket(lab, daemon, sources);
                for (var deadline = DateTime.UtcNow.AddSeconds(10); daemon.Bans < sent && DateTime.UtcNow < deadline;)
                {
                    Thread.Sleep(100);
                }

                Report(daemon, sent, batched, hping);
                Console.WriteLine($"realtime priority {realtime}: granted (0) or errno — sensor {daemon.RealtimeErrors.Sensor}, detection {daemon.RealtimeErrors.Detection}; "
                    + $"threads under SCHED_FIFO at the end {daemon.Status(withLatency: false).RealtimeThreads}, demotions {daemon.Status(withLatency: false).RealtimeDemotions}");
            }
            finally
            {
                daemon.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            state.Delete(recursive: true);
        }

        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static int SendWithRawSocket(LabTopology lab, PortVeilDaemon daemon, int sources)
    {
        using var sender = RawSynSender.Open(lab.Scanners[0]);
        var target = IPAddress.Parse(LabTopology.ServerIPv4);
        var rng = new Random(20261125);
        var sent = 0;
        foreach (var source in SpoofedSources(sources))
        {
            var before = daemon.Bans;
            var firstPort = 1000 + (sent % 50) * 10;
            for (var k = 0; k < SynsPerSource && daemon.Bans == before; k++)
            {
                sender.Send(source, target, (ushort)(40000 + k), (ushort)(firstPort + k), (uint)rng.NextInt64(0, 1L << 32));
                Thread.Sleep(1);
            }

            // Wait (bounded) for this source's ban, then leave the machine quiet before the next source.
            for (var waited = 0; daemon.Bans == before && waited < 500; waited += 5)
            {
                Thread.Sleep(5);
            }

            Thread.Sleep(20);
            sent++;
        }

        return sent;
    }

    private static int SendWithHping(LabTopology lab, int sources)
    {
        var sent = 0;
        foreach (var source in SpoofedSources(sources))
        {
            Hping.SpoofedSynScan(lab.Scanners[0], source.ToString(), LabTopology.ServerIPv4, 1000 + (sent % 50) * 10, SynsPerSource);
            sent++;
        }

        return sent;
    }

    private static void Report(PortVeilDaemon daemon, int sent, bool batched, bool hping)
    {
        var t = daemon.BanTimings!;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"generator {(hping ? "hping3 per source" : "raw socket, 1 ms between SYNs")}, NFLOG {(batched ? "qthreshold 32 / 10 ms" : "qthreshold 1")}"));
        Console.WriteLine(string.Create(c, $"sources {sent} bans {daemon.Bans} failures {daemon.BanFailures} events {daemon.Events}"));
        Console.WriteLine(daemon.Policy!.Counters);
        Console.WriteLine("stage                        n       p50 ms   p90 ms   p99 ms   max ms");
        Row("packet → sensor recv", t.KernelToSensor);
        Row("sensor recv → verdict", t.SensorToVerdict);
        Row("packet → verdict", t.PacketToVerdict);
        Row("policy decision", t.Decide);
        Row("nft transaction", t.Kernel);
        Row("TOTAL packet → in kernel", t.Total);
        // Which bans were the slowest (1-based order): the first few carry JIT and first-use costs.
        var totals = t.Total.Snapshot();
        var decides = t.Decide.Snapshot();
        var order = Enumerable.Range(0, totals.Length).OrderByDescending(i => totals[i]).Take(5);
        // The first bans one by one (packet → verdict, decide, kernel): what the warm-up has not reached yet.
        var toVerdict = t.PacketToVerdict.Snapshot();
        var kernel = t.Kernel.Snapshot();
        Console.WriteLine("first bans (total = to verdict + decide + kernel, ms): " + string.Join("; ", Enumerable.Range(0, Math.Min(6, totals.Length)).Select(i =>
            string.Create(c, $"#{i + 1} {totals[i] / 1e6:F2} = {(i < toVerdict.Length ? toVerdict[i] / 1e6 : double.NaN):F2} + {decides[i] / 1e6:F2} + {(i < kernel.Length ? kernel[i] / 1e6 : double.NaN):F2}"))));
        Console.WriteLine("slowest bans: " + string.Join(", ", order.Select(i => string.Create(c, $"#{i + 1} {totals[i] / 1e6:F2} ms (decide {decides[i] / 1e6:F2})"))));
        // The first bans JIT-compile the policy and enforcer (this bench runs without ReadyToRun); a daemon does that
        // once in its life, so percentiles are also given without the first WarmUp bans.
        if (totals.Length > WarmUp)
        {
            var warm = totals[WarmUp..];
            Array.Sort(warm);
            Console.WriteLine(string.Create(c, $"after {WarmUp} warm-up bans ({warm.Length}): p50 {Q(warm, 0.5):F3} ms, p90 {Q(warm, 0.9):F3} ms, p99 {Q(warm, 0.99):F3} ms, max {Q(warm, 1):F3} ms"));
        }

        Console.WriteLine(string.Create(c, $"p50_ms {t.Total.QuantileMs(0.50):F3}"));
        Console.WriteLine(string.Create(c, $"p90_ms {t.Total.QuantileMs(0.90):F3}"));
        Console.WriteLine(string.Create(c, $"p99_ms {t.Total.QuantileMs(0.99):F3}"));
        Console.WriteLine(string.Create(c, $"max_ms {t.Total.QuantileMs(1.0):F3}"));

        static void Row(string name, LatencyRecorder r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-26} {r.Count,5} {r.QuantileMs(0.5),8:F3} {r.QuantileMs(0.9),8:F3} {r.QuantileMs(0.99),8:F3} {r.QuantileMs(1.0),8:F3}"));
    }

    /// <summary>Documentation addresses not used by any lab host (lab scanners start at .101, clients at .21).</summary>
    private static IEnumerable<IPAddress> SpoofedSources(int count)
    {
        var n = 0;
        foreach (var prefix in new[] { "198.51.100.", "203.0.113.", "192.0.2." })
        {
            for (var host = 150; host <= 250 && n < count; host++, n++)
            {
                yield return IPAddress.Parse(prefix + host.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
