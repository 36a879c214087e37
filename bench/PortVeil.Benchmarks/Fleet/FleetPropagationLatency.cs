using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using PortVeil.Core;
using PortVeil.Daemon;
using PortVeil.Daemon.Fleet;
using PortVeil.Daemon.Pipeline;
using PortVeil.Storage;
using PortVeil.Storage.Postgres;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Benchmarks.Fleet;

/// <summary>
/// `fleet-propagation [BANS]` (root, PostgreSQL installed): ban propagation latency between two hosts. A throwaway
/// PostgreSQL cluster on loopback; host B is the real daemon protecting a lab server namespace with [fleet] on;
/// host A is a store on the same database writing bans as the daemon's writer does (insert + NOTIFY, one
/// transaction). Per ban: from the start of A's commit call to B's kernel transaction having returned with the
/// element in B's set (FleetImporter.Decided, raised after the libnftables call). Bans go one at a time, each from
/// another documentation address, so the numbers are latency, not queueing. Then every propagated ban is lifted
/// on A, one at a time, and the unban's way into B's kernel is timed the same way (<see cref="MeasureUnbans"/>).
/// </summary>
internal static class FleetPropagationLatency
{
    public static int Run(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        using var cluster = PostgresCluster.Start();
        var database = cluster.CreateDatabase("pvbench");
        var connection = cluster.ConnectionString(database);
        using var lab = LabTopology.Builder().WithScanners(0).WithClients(0).Build();
        var daemon = new PortVeilDaemon(new DaemonStages
        {
            NetworkNamespacePath = Path.Combine("/var/run/netns", lab.Server.Name),
            StorageBackend = StorageBackend.Postgresql,
            Postgres = new PostgresStoreOptions { ConnectionString = connection },
            Fleet = new FleetOptions { Enabled = true },
            HostName = "host-b",
        });
        daemon.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            using var hostA = PostgresStore.Open(new PostgresStoreOptions { ConnectionString = connection });
            var arrived = new ConcurrentDictionary<Guid, long>();
            using var signal = new SemaphoreSlim(0);
            daemon.Fleet!.Decided += d =>
            {
                if (d.Outcome == FleetImportOutcome.Enforced)
                {
                    arrived[d.BanId] = Stopwatch.GetTimestamp();
                    signal.Release();
                }
            };
            for (var deadline = DateTime.UtcNow.AddSeconds(10); !daemon.Fleet.Listening && DateTime.UtcNow < deadline;)
            {
                Thread.Sleep(20);
            }

            var latencies = new List<double>(count);
            var lost = 0;
            var propagated = new List<(Guid Id, string Target)>(count);
            foreach (var address in Sources(count))
            {
                var now = DateTimeOffset.UtcNow;
                var ban = new BanRecord
                {
                    Id = Guid.CreateVersion7(now),
                    Target = BanTarget.ForAddress(NetAddress.Parse(address)),
                    Reason = "bench: fleet propagation",
                    Detector = DetectorKind.Trw,
                    Scan = ScanKind.Syn,
                    Tool = ScannerTool.Nmap,
                    StartedAt = now,
                    ExpiresAt = now.AddHours(1),
                    EscalationLevel = 0,
                    OriginHost = "host-a",
                };
                var start = Stopwatch.GetTimestamp();
                hostA.RecordBanAsync(ban).GetAwaiter().GetResult();
                if (!signal.Wait(TimeSpan.FromSeconds(5)) || !arrived.TryGetValue(ban.Id, out var end))
                {
                    lost++;
                    continue;
                }

                latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                propagated.Add((ban.Id, ban.Target.ToString()));
            }

            var inKernel = daemon.Enforcer!.ListAsync().GetAwaiter().GetResult().Count(b => !b.Restricted);
            latencies.Sort();
            Console.WriteLine(FormattableString.Invariant($"bans {count} propagated {latencies.Count} lost {lost} in_b_kernel {inKernel}"));
            foreach (var q in new[] { 0.50, 0.90, 0.99, 1.0 })
            {
                var label = q == 1.0 ? "max_ms" : FormattableString.Invariant($"p{q * 100:0}_ms");
                Console.WriteLine(FormattableString.Invariant($"{label} {Quantile(latencies, q):F3}"));
            }

            var unbansLost = MeasureUnbans(daemon, hostA, propagated);
            return lost == 0 && unbansLost == 0 ? 0 : 1;
        }
        finally
        {
            daemon.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Unban propagation: per ban, one at a time, from the start of A's end-ban call (row ended + NOTIFY "end:…" in one
    /// statement) to B's live feed carrying the "unban" (published after B's libnftables unban returned). Returns the
    /// unbans that did not arrive within 5 s.
    /// </summary>
    private static int MeasureUnbans(PortVeilDaemon daemon, PostgresStore hostA, List<(Guid Id, string Target)> bans)
    {
        var feed = daemon.Feed.Subscribe() ?? throw new InvalidOperationException("no live feed slot");
        try
        {
            var latencies = new List<double>(bans.Count);
            var lost = 0;
            foreach (var (id, target) in bans)
            {
                var start = Stopwatch.GetTimestamp();
                hostA.EndBanAsync(new BanEnd(id, BanEndReason.Unbanned, DateTimeOffset.UtcNow)).GetAwaiter().GetResult();
                var quote = "\"" + target + "\"";
                long end = 0;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    while (end == 0)
                    {
                        var message = feed.ReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
                        if (message.Type == "unban" && message.Json.Contains(quote, StringComparison.Ordinal))
                        {
                            end = Stopwatch.GetTimestamp();
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    lost++;
                    continue;
                }

                latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            }

            var left = daemon.Enforcer!.ListAsync().GetAwaiter().GetResult().Count(b => !b.Restricted);
            latencies.Sort();
            Console.WriteLine(FormattableString.Invariant($"unbans {bans.Count} lifted {latencies.Count} lost {lost} left_in_b_kernel {left} woken_passes {daemon.OperatorSyncWokenPasses}"));
            foreach (var q in new[] { 0.50, 0.90, 0.99, 1.0 })
            {
                var label = q == 1.0 ? "unban_max_ms" : FormattableString.Invariant($"unban_p{q * 100:0}_ms");
                Console.WriteLine(FormattableString.Invariant($"{label} {Quantile(latencies, q):F3}"));
            }

            return lost;
        }
        finally
        {
            daemon.Feed.Unsubscribe(feed);
        }
    }

    private static double Quantile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1 < 0 ? 0 : (int)Math.Ceiling(q * sorted.Count) - 1)];

    /// <summary>Documentation addresses (IPv4 ranges, then 2001:db8:: ones), none of them a lab host's.</summary>
    private static IEnumerable<string> Sources(int count)
    {
        var n = 0;
        foreach (var prefix in new[] { "198.51.100.", "203.0.113.", "192.0.2." })
        {
            for (var host = 150; host <= 250 && n < count; host++, n++)
            {
                yield return prefix + host.ToString(CultureInfo.InvariantCulture);
            }
        }

        for (var i = 1; n < count; i++, n++)
        {
            yield return "2001:db8:77::" + i.ToString("x", CultureInfo.InvariantCulture);
        }
    }
}
