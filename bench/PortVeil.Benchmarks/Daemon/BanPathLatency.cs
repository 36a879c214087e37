using System.Globalization;
using PortVeil.Daemon;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Benchmarks.Daemon;

/// <summary>
/// `ban-path-latency [SOURCES]` (root): the whole live path, measured per ban from the deciding packet's kernel
/// timestamp (NFLOG) to the ban committed in the kernel set: NFLOG socket → channel → engine → verdict channel →
/// policy → libnftables. A lab server runs the real daemon; a scanner namespace sends 8 SYNs to closed ports
/// "from" each of SOURCES distinct documentation addresses (hping3 -a), one source after another.
/// </summary>
internal static class BanPathLatency
{
    public static int Run(string[] args)
    {
        var sources = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        var state = Directory.CreateTempSubdirectory("pv-banlat-");
        try
        {
            var daemon = new PortVeilDaemon(new DaemonStages
            {
                NetworkNamespacePath = Path.Combine("/var/run/netns", lab.Server.Name),
                Storage = new SqliteStoreOptions { Path = Path.Combine(state.FullName, "portveil.db") },
                // Every spoofed source must become its own ban: no subnet bans, no budgets in the way.
                Policy = new PolicyOptions { SubnetBanMembers = 256, SubnetBudgetPerHour = 65_536, BansPerMinute = 65_536 },
                HostName = "bench",
                // Deliver every NFLOG message at once (no kernel batching) unless --batched: latency over syscalls.
                Nflog = args.Contains("--batched") ? new() : new() { QueueThreshold = 1 },
            });
            daemon.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            try
            {
                var attacker = lab.Scanners[0];
                var sent = 0;
                foreach (var source in SpoofedSources(sources))
                {
                    Hping.SpoofedSynScan(attacker, source, LabTopology.ServerIPv4, 1000 + (sent % 50) * 10, 8);
                    sent++;
                }

                for (var deadline = DateTime.UtcNow.AddSeconds(10); daemon.BanLatency!.Count < sent && DateTime.UtcNow < deadline;)
                {
                    Thread.Sleep(100);
                }

                var l = daemon.BanLatency!;
                Console.WriteLine(FormattableString.Invariant($"sources {sent} bans {l.Count} events {daemon.Events}"));
                Console.WriteLine(daemon.Policy!.Counters);
                Console.WriteLine(FormattableString.Invariant($"p50_ms {l.QuantileMs(0.50):F3}"));
                Console.WriteLine(FormattableString.Invariant($"p90_ms {l.QuantileMs(0.90):F3}"));
                Console.WriteLine(FormattableString.Invariant($"p99_ms {l.QuantileMs(0.99):F3}"));
                Console.WriteLine(FormattableString.Invariant($"max_ms {l.QuantileMs(1.0):F3}"));
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

        return 0;
    }

    /// <summary>Documentation addresses not used by any lab host (lab scanners start at .101, clients at .21).</summary>
    private static IEnumerable<string> SpoofedSources(int count)
    {
        var n = 0;
        foreach (var prefix in new[] { "198.51.100.", "203.0.113.", "192.0.2." })
        {
            for (var host = 150; host <= 250 && n < count; host++, n++)
            {
                yield return prefix + host.ToString(CultureInfo.InvariantCulture);
            }
        }
    }
}
