using System.Diagnostics;
using System.Globalization;
using System.Net;
using PortVeil.Core;
using PortVeil.Daemon;
using PortVeil.Daemon.Pipeline;
using PortVeil.Detection;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Benchmarks.Daemon;

/// <summary>
/// `spoofed-sources [SOURCES] [--live SECONDS]`: memory and CPU of the daemon pipeline under SOURCES (default 1 M)
/// distinct spoofed sources, which BenchmarkDotNet cannot host (a whole run's memory, a live kernel).
/// <list type="number">
/// <item>In-process: the detection engine and the ban policy (default options) fed at full speed, no I/O: each
/// source sends 3 SYNs to random unserved ports, one in ten sends 8 (enough for verdicts, so the policy and its
/// budgets work too). Packet clock 200 000 events/s. Reports events/s, CPU, allocations, heap and RSS as sources grow.</item>
/// <item>Live (root, with --live): the real daemon protects a lab server; one process sends spoofed SYNs as fast as
/// it can from a scanner namespace, each from a new source (random 2001:db8::/32 /64s and documentation IPv4),
/// bounded by SOURCES packets and SECONDS. Reports what the kernel logged, what the daemon processed, overruns, RSS.</item>
/// </list>
/// </summary>
internal static class SpoofedSourcesBenchmark
{
    public static int Run(string[] args)
    {
        var sources = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var s) ? s : 1_000_000;
        InProcess(sources);
        var live = Array.IndexOf(args, "--live");
        if (live >= 0)
        {
            var seconds = live + 1 < args.Length ? double.Parse(args[live + 1], CultureInfo.InvariantCulture) : 20;
            Live(sources, TimeSpan.FromSeconds(Math.Min(seconds, 60)));
        }

        return 0;
    }

    private static void InProcess(int sources)
    {
        var policyOptions = new PolicyOptions();
        var detection = new DetectionOptions();
        var allowlist = AllowlistIndex.Create([]);
        var policy = new BanPolicy(policyOptions, allowlist, new InMemoryOffenceHistory());
        var sink = new PolicySink(policy);
        var engine = new DetectionEngine(detection, sink);
        engine.Served.Mark(IpProtocol.Tcp, 443);
        var e = new PacketEvent
        {
            Destination = NetAddress.FromV4(0xCB00_710A),
            Protocol = IpProtocol.Tcp,
            Flags = TcpFlags.Syn,
            Window = 1024,
            Options = TcpOptionSummary.Empty,
            Direction = PacketDirection.Inbound,
            Tag = PacketTag.Unserved,
            Ttl = 50,
        };

        Print($"in-process: {sources:N0} distinct spoofed sources, engine capacity {detection.Capacity:N0}, policy defaults ({policyOptions.BansPerMinute}/min, max {policyOptions.MaxActiveBans:N0} active)");
        Print($"{"sources",10} {"events",11} {"events/s",11} {"cpu s",7} {"alloc MB",9} {"heap MB",8} {"rss MB",7} {"tracked",8} {"verdicts",9} {"bans",6} {"budget skips",12}");
        const long ClockStepNs = 5_000;                // 200 000 events/s of packet time
        var random = new Random(7);
        var t = 1_000_000_000L;
        long events = 0;
        var rssStart = Rss();
        var heapStart = GC.GetTotalMemory(forceFullCollection: true);
        var allocStart = GC.GetTotalAllocatedBytes(precise: true);
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var next = 1;
        for (var i = 0; i < sources; i++)
        {
            e.Source = i % 2 == 0
                ? NetAddress.FromV4(0x0A00_0000u + (uint)i)                                  // synthetic, in memory only
                : new NetAddress(0x2001_0DB8_0000_0000UL | (uint)i, 1);                      // 2001:db8:0:i::1, its own /64
            e.Family = i % 2 == 0 ? IpFamily.IPv4 : IpFamily.IPv6;
            var probes = i % 10 == 0 ? 8 : 3;
            for (var p = 0; p < probes; p++)
            {
                e.TimestampNs = t += ClockStepNs;
                sink.Now = t;
                e.DestinationPort = (ushort)random.Next(1024, 60000);
                e.SourcePort = (ushort)(40000 + p);
                e.Sequence = (uint)random.Next();
                engine.Process(in e);
                events++;
            }

            if (i + 1 == next || i + 1 == sources)
            {
                Row(i + 1, events, wall.Elapsed, cpuStart, allocStart, engine, sink, policy);
                next *= 10;
            }
        }

        var seconds = wall.Elapsed.TotalSeconds;
        var heapEnd = GC.GetTotalMemory(forceFullCollection: true);
        Print($"total: {events:N0} events in {seconds:F2} s = {events / seconds:N0} events/s on one thread; heap {heapStart / 1048576.0:F1} → {heapEnd / 1048576.0:F1} MB, RSS {rssStart / 1048576.0:F1} → {Rss() / 1048576.0:F1} MB, allocated {(GC.GetTotalAllocatedBytes(true) - allocStart) / (double)events:F1} B/event, GC gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        Print($"policy: {policy.Counters}");
        GC.KeepAlive(engine);
    }

    private static void Row(int sources, long events, TimeSpan wall, TimeSpan cpuStart, long allocStart, DetectionEngine engine, PolicySink sink, BanPolicy policy)
    {
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        var c = policy.Counters;
        Print($"{sources,10:N0} {events,11:N0} {events / Math.Max(wall.TotalSeconds, 1e-9),11:N0} {cpu,7:F2} {(GC.GetTotalAllocatedBytes(true) - allocStart) / 1048576.0,9:F1} {GC.GetTotalMemory(false) / 1048576.0,8:F1} {Rss() / 1048576.0,7:F1} {engine.TrackedSources,8:N0} {sink.Verdicts,9:N0} {c.Bans + c.SubnetBans,6:N0} {c.SkippedBudget,12:N0}");
    }

    private static void Live(int packets, TimeSpan duration)
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        using var listener = LabTcpListener.Start(lab.Server, 443);
        lab.Server.Exec("ip", "-6", "route", "add", "2001:db8::/32", "dev", "eth0").EnsureSuccess("IPv6 documentation route");
        var state = Directory.CreateTempSubdirectory("pv-spoofed-");
        try
        {
            var daemon = new PortVeilDaemon(new DaemonStages
            {
                NetworkNamespacePath = Path.Combine("/var/run/netns", lab.Server.Name),
                Storage = new SqliteStoreOptions { Path = Path.Combine(state.FullName, "portveil.db") },
                HostName = "bench",
            });
            daemon.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            try
            {
                var rssBefore = Rss();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                using var sender = RawSynSender.Open(lab.Scanners[0]);
                var target4 = IPAddress.Parse(LabTopology.ServerIPv4);
                var target6 = IPAddress.Parse(LabTopology.ServerIPv6);
                var random = new Random(11);
                var v6 = new byte[16];
                var eventsBefore = daemon.Events;
                var clock = Stopwatch.StartNew();
                var n = 0;
                for (; n < packets && clock.Elapsed < duration; n++)
                {
                    IPAddress source, target;
                    if (n % 4 == 0)
                    {
                        byte[][] nets = [[198, 51, 100], [203, 0, 113], [192, 0, 2]];
                        var net = nets[random.Next(3)];
                        var last = (byte)random.Next(20, 255);
                        source = new IPAddress([net[0], net[1], net[2], last == 10 ? (byte)11 : last]);
                        target = target4;
                    }
                    else
                    {
                        random.NextBytes(v6);
                        v6[0] = 0x20;
                        v6[1] = 0x01;
                        v6[2] = 0x0d;
                        v6[3] = 0xb8;
                        v6[4] = 0x80;                                     // 2001:db8:80xx::/40: never the server's /64
                        source = new IPAddress(v6);
                        target = target6;
                    }

                    sender.Send(source, target, (ushort)random.Next(1024, 65535), (ushort)random.Next(1024, 60000), (uint)random.Next(), clientOptions: false);
                }

                var sendSeconds = clock.Elapsed.TotalSeconds;
                var floodStatus = daemon.Status(withLatency: false);

                // Let the daemon drain what the kernel queued (bounded: 5 s without progress ends it).
                var last2 = daemon.Events;
                for (var quiet = 0; quiet < 10; quiet++)
                {
                    Thread.Sleep(500);
                    var now = daemon.Events;
                    quiet = now == last2 ? quiet : 0;
                    if (now == last2 && quiet >= 2)
                    {
                        break;
                    }

                    last2 = now;
                }

                var drainSeconds = clock.Elapsed.TotalSeconds;
                var status = daemon.Status(withLatency: false);
                var processed = daemon.Events - eventsBefore;
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                Print($"live: {sender.Sent:N0} spoofed SYNs sent in {sendSeconds:F1} s ({sender.Sent / sendSeconds:N0}/s, {sender.Failed:N0} refused by the sender's kernel), each from a new source");
                Print($"daemon: {processed:N0} events processed in {drainSeconds:F1} s = {processed / drainSeconds:N0} events/s sustained; kernel overruns {status.KernelOverruns:N0}; tracked {status.TrackedSources:N0}; bans {daemon.Bans:N0}; healthy {daemon.IsHealthy()}");
                Print($"process (daemon + sender thread): CPU {cpu:F1} s over {drainSeconds:F1} s = {cpu / drainSeconds * 100:F0} % of one core; RSS {rssBefore / 1048576.0:F1} → {Rss() / 1048576.0:F1} MB");
                Print($"policy: {daemon.Policy!.Counters}");

                // The ban-path threads' governor: demoted to normal scheduling while saturated, back after 3 quiet seconds.
                Thread.Sleep(4500);
                var quietStatus = daemon.Status(withLatency: false);
                Print($"realtime: at the end of the flood {floodStatus.RealtimeThreads} of 2 ban-path threads under SCHED_FIFO, {floodStatus.RealtimeDemotions} demotions; 4.5 s after the drain {quietStatus.RealtimeThreads} of 2");
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
    }

    private static long Rss()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    /// <summary>Hands every verdict to the policy at the packet clock, as the daemon's ban stage does (minus the kernel).</summary>
    private sealed class PolicySink(BanPolicy policy) : IVerdictSink
    {
        public long Now { get; set; }

        public long Verdicts { get; private set; }

        public void OnVerdict(Verdict verdict)
        {
            Verdicts++;
            policy.Decide(verdict, DateTimeOffset.UnixEpoch.AddTicks(Now / 100));
        }
    }
}
