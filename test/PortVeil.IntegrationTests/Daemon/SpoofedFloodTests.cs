using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PortVeil.Core;
using PortVeil.Daemon.Pipeline;
using PortVeil.Detection;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;
using Xunit.Abstractions;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// A bounded flood of spoofed SYNs against the daemon-protected lab server while real guests keep connecting.
/// Forged sources: random documentation addresses (a pool of repeat "scanners" and one-shot sources), plus the
/// gateway, both resolvers, the admin's SSH client, the server's own addresses and allowlisted networks.
/// </summary>
[Collection(DaemonCollection.Name)]
public class SpoofedFloodTests(ITestOutputHelper output)
{
    private const string Gateway = "203.0.113.1";
    private const string Resolver4 = "192.0.2.53";
    private const string Resolver6 = "2001:db8:53::53";
    private const string AllowedNet4 = "198.51.100.64/28";
    private const string AllowedNet6 = "2001:db8:77::/48";

    // Bounds of the flood: whichever comes first.
    private const int MaxPackets = 600_000;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(10);

    // Small budgets and tables, so the flood exceeds every one of them within seconds.
    private const int BansPerMinute = 40;
    private const int EngineCapacity = 8192;
    private const int KernelTrackingSetSize = 4096;

    [Fact]
    public async Task A_spoofed_flood_bans_nothing_allowlisted_keeps_the_ban_budget_and_bounded_memory_and_guests_keep_connecting()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 3, 22, 443);
        var server = lab.Lab.Server;
        server.Exec("ip", "route", "add", "default", "via", Gateway).EnsureSuccess("default route");

        // Random 2001:db8::/32 sources arrive on eth0 and must pass the (strict) reverse-path filter to reach the engine.
        server.Exec("ip", "-6", "route", "add", "2001:db8::/32", "dev", "eth0").EnsureSuccess("IPv6 documentation route");
        var resolvConf = Path.Combine(lab.StateDirectory, "resolv.conf");
        await File.WriteAllTextAsync(resolvConf, $"nameserver {Resolver4}\nnameserver {Resolver6}\n");

        var admin = lab.Lab.Clients[0];
        using var session = admin.RunInside(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(new IPEndPoint(IPAddress.Parse(LabTopology.ServerIPv4), 22));
            return s;
        });

        var allowlist = new AllowlistOptions();
        allowlist.ResolvConfPaths.Clear();
        allowlist.ResolvConfPaths.Add(resolvConf);
        allowlist.Static.Add(AllowedNet4);
        allowlist.Static.Add(AllowedNet6);
        var basic = lab.Stages();
        var stages = new DaemonStages
        {
            NetworkNamespacePath = basic.NetworkNamespacePath,
            Storage = basic.Storage,
            HostName = basic.HostName,
            Allowlist = allowlist,
            Policy = new PolicyOptions { BansPerMinute = BansPerMinute },
            Detection = new DetectionOptions { Capacity = EngineCapacity },
            Enforcer = basic.Enforcer with { Ruleset = basic.Enforcer.Ruleset with { TrackingSetSize = KernelTrackingSetSize } },
        };
        var daemon = await lab.StartAsync(stages);
        var rssBefore = Rss();

        // Guests: one returning (connected once before the flood), one never seen before the flood.
        var returning = lab.Lab.Clients[1];
        var newcomer = lab.Lab.Clients[2];
        Assert.True(LabTcpClient.TryConnect(returning, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(6)), "returning guest before the flood");

        using var stop = new CancellationTokenSource();
        var guestResults = new List<(string Guest, bool Ok, double Ms)>();
        var guests = Task.Run(() =>
        {
            // Bounded: at most 40 connections, and only while the flood runs.
            for (var i = 0; i < 40 && !stop.IsCancellationRequested; i++)
            {
                var guest = i % 2 == 0 ? returning : newcomer;
                var watch = Stopwatch.StartNew();
                var ok = LabTcpClient.TryConnect(guest, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(6));
                lock (guestResults)
                {
                    guestResults.Add((guest.IPv4, ok, watch.Elapsed.TotalMilliseconds));
                }

                Thread.Sleep(200);
            }
        });

        IPAddress[] special =
        [
            IPAddress.Parse(Gateway), IPAddress.Parse(Resolver4), IPAddress.Parse(Resolver6), IPAddress.Parse(admin.IPv4),
            IPAddress.Parse(LabTopology.ServerIPv4), IPAddress.Parse(LabTopology.ServerIPv6),
            IPAddress.Parse("198.51.100.70"), IPAddress.Parse("198.51.100.79"), IPAddress.Parse("2001:db8:77::1"), IPAddress.Parse("2001:db8:77:5::9"),
        ];
        var exclude = new HashSet<IPAddress>(special)
        {
            IPAddress.Parse(returning.IPv4), IPAddress.Parse(newcomer.IPv4), IPAddress.Parse(lab.Lab.Scanners[0].IPv4),
        };
        var random = new Random(20261125);
        var pool = new IPAddress[2000];
        for (var i = 0; i < pool.Length; i++)
        {
            pool[i] = RandomSource(random, exclude);
        }

        var target4 = IPAddress.Parse(LabTopology.ServerIPv4);
        var target6 = IPAddress.Parse(LabTopology.ServerIPv6);
        using var sender = RawSynSender.Open(lab.Lab.Scanners[0]);
        var floodWatch = Stopwatch.StartNew();
        var n = 0;
        for (; n < MaxPackets && floodWatch.Elapsed < MaxDuration; n++)
        {
            var source = (n % 10) switch
            {
                0 => special[(n / 10) % special.Length],
                < 5 => pool[random.Next(pool.Length)],
                _ => RandomSource(random, exclude),
            };

            // 30 % to the served port (first-contact gating's sets fill up), the rest to random unserved ports.
            var port = random.Next(10) < 3 ? (ushort)443 : (ushort)random.Next(1024, 60000);
            sender.Send(source, source.AddressFamily == AddressFamily.InterNetworkV6 ? target6 : target4,
                (ushort)random.Next(1024, 65535), port, (uint)random.Next(), clientOptions: (n & 1) == 0);
        }

        var floodSeconds = floodWatch.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(2));
        stop.Cancel();
        await guests;

        var status = daemon.Status(withLatency: false);
        var counters = daemon.Policy!.Counters;
        var bans = await daemon.Enforcer!.ListAsync();
        var drops = await daemon.Enforcer.ReadSpoofDropsAsync();
        var rssAfter = Rss();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"flood: {n} packets in {floodSeconds:F1} s ({n / floodSeconds:F0}/s), {sender.Failed} refused by the sender's kernel"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine: {status.Events} events, {status.TrackedSources} tracked sources (capacity {EngineCapacity}), kernel overruns {status.KernelOverruns}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"policy: {counters.Decisions} decisions, {daemon.Bans} bans made, {counters.SkippedAllowlisted} allowlisted skipped, {counters.SkippedBudget} budget skipped, {counters.SkippedUnverified} unverified skipped"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kernel: {bans.Count(b => !b.ByReflex && !b.Restricted)} daemon bans, {bans.Count(b => b.ByReflex)} reflex bans, {bans.Count(b => b.Restricted)} restrictions; spoof drops local {drops.LocalSource}, reverse path {drops.ReversePath}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RSS before {rssBefore / 1048576.0:F1} MB, after {rssAfter / 1048576.0:F1} MB; guests: {guestResults.Count(g => g.Ok)}/{guestResults.Count} connected, slowest {guestResults.Max(g => g.Ms):F0} ms"));

        // Nothing on the allowlist is banned, restricted or reflex-banned, not even by a /64.
        foreach (var address in special)
        {
            var key = NetAddress.Parse(address.ToString());
            Assert.DoesNotContain(bans, b => b.Source == SourceKey.ForAddress(key) || b.Source == SourceKey.ForPrefix64(key));
        }

        // The flood made the daemon want more bans than its budget, and the budget held. (Allowlisted sources are
        // accepted by @allow4/@allow6 before any NFLOG rule, so they never even reach the engine: the policy's own
        // allowlist check is the second line, tested with forged verdicts in the policy's unit tests.)
        Assert.True(counters.SkippedBudget > 0, "the budget was never reached: the flood did not test it");
        Assert.InRange(daemon.Bans, 1, BansPerMinute);
        Assert.True(floodSeconds + 2 < 60, "the run must stay within one budget minute for the bound above");

        // The server's own addresses never reached the engine: chain spoof dropped them.
        Assert.True(drops.LocalSource > 0);

        // Memory is bounded by the engine table, and the daemon survived (overruns are counted, not fatal).
        Assert.InRange(status.TrackedSources, 1, EngineCapacity);
        Assert.True(daemon.IsHealthy());
        Assert.True(status.Events > 0);

        // Guests kept working: every connection succeeded, and the admin's session is still up.
        Assert.NotEmpty(guestResults);
        Assert.All(guestResults, g => Assert.True(g.Ok, $"{g.Guest} failed after {g.Ms:F0} ms"));
        Assert.Contains(guestResults, g => g.Guest == newcomer.IPv4);
        Assert.True(session.Connected);
    }

    [Fact]
    public async Task A_flood_into_a_tiny_NFLOG_buffer_counts_kernel_overruns_and_the_daemon_still_bans_a_real_scanner_afterwards()
    {
        await using var lab = new DaemonLab(scanners: 2, clients: 1, 22, 443);
        lab.Lab.Server.Exec("ip", "-6", "route", "add", "2001:db8::/32", "dev", "eth0").EnsureSuccess("IPv6 documentation route");
        var basic = lab.Stages();
        var daemon = await lab.StartAsync(new DaemonStages
        {
            NetworkNamespacePath = basic.NetworkNamespacePath,
            Storage = basic.Storage,
            HostName = basic.HostName,

            // A 1 KiB socket buffer and one message per datagram: the kernel must drop log messages (ENOBUFS).
            Nflog = new() { ReceiveBufferSize = 1024, QueueThreshold = 1, KernelBufferSize = 4096 },

            // This flood forges whole /24s with no allowlisted address, the scanner's among them: subnet and campaign
            // bans would now drop the whole /24 (one banned4_24 element, docs/policy.md) and with it the scanner before
            // it is judged on its own. This test is about overruns and the scanner's own ban, so both are off here.
            Policy = new PortVeil.Enforcement.Policy.PolicyOptions { CampaignMembers = 0, SubnetBanMembers = 0 },
        });

        var random = new Random(1125);
        var exclude = new HashSet<IPAddress> { IPAddress.Parse(lab.Lab.Clients[0].IPv4), IPAddress.Parse(lab.Lab.Scanners[1].IPv4) };
        using (var sender = RawSynSender.Open(lab.Lab.Scanners[0]))
        {
            var target4 = IPAddress.Parse(LabTopology.ServerIPv4);
            var target6 = IPAddress.Parse(LabTopology.ServerIPv6);
            var watch = Stopwatch.StartNew();
            for (var n = 0; n < 200_000 && watch.Elapsed < TimeSpan.FromSeconds(5); n++)
            {
                var source = RandomSource(random, exclude);
                sender.Send(source, source.AddressFamily == AddressFamily.InterNetworkV6 ? target6 : target4,
                    (ushort)random.Next(1024, 65535), (ushort)random.Next(1024, 60000), (uint)random.Next(), clientOptions: true);
            }
        }

        var overruns = daemon.Status(withLatency: false).KernelOverruns;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"overruns {overruns}, events {daemon.Events}"));
        Assert.True(overruns > 0, "the tiny buffer never overflowed: the test did not provoke overruns");
        Assert.True(daemon.IsHealthy());

        // Still working: a real scan afterwards is banned, and a guest connects.
        var scanner = lab.Lab.Scanners[1];
        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-200");
        Assert.Contains(scanner.IPv4, await lab.WaitForBanAsync(scanner.IPv4));
        Assert.True(LabTcpClient.TryConnect(lab.Lab.Clients[0], LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(6)));
        Assert.True(daemon.Status(withLatency: false).KernelOverruns >= overruns, "the overrun count went backwards");
    }

    /// <summary>A random source from 198.51.100.0/24, 203.0.113.0/24, 192.0.2.0/24 or 2001:db8::/32, never one in <paramref name="exclude"/> or the allowlisted nets.</summary>
    private static IPAddress RandomSource(Random random, HashSet<IPAddress> exclude)
    {
        while (true)
        {
            IPAddress a;
            if (random.Next(2) == 0)
            {
                byte[][] nets = [[198, 51, 100], [203, 0, 113], [192, 0, 2]];
                var net = nets[random.Next(3)];
                var last = (byte)random.Next(2, 255);
                if (net[0] == 198 && last is >= 64 and < 80)
                {
                    continue;
                }

                a = new IPAddress([net[0], net[1], net[2], last]);
            }
            else
            {
                var bytes = new byte[16];
                random.NextBytes(bytes);
                bytes[0] = 0x20;
                bytes[1] = 0x01;
                bytes[2] = 0x0d;
                bytes[3] = 0xb8;

                // Not the server's /64 (2001:db8:10::/64), the resolver's or the allowlisted /48s.
                var third = (bytes[4] << 8) | bytes[5];
                if (third is 0x10 or 0x53 or 0x77)
                {
                    continue;
                }

                a = new IPAddress(bytes);
            }

            if (!exclude.Contains(a))
            {
                return a;
            }
        }
    }

    private static long Rss()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }
}
