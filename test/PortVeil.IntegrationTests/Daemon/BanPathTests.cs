using System.Diagnostics;
using System.Net;
using PortVeil.Daemon.Pipeline;
using PortVeil.Sensors.Nflog;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// The daemon's ban path after the hand-offs were removed: verdicts are decided and enforced on the detection
/// thread, fresh bans go through the netlink fast path, and every ban is timed stage by stage.
/// </summary>
[Collection(DaemonCollection.Name)]
public class BanPathTests
{
    private static bool WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TestTimeouts.Event)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }

    [Fact]
    public async Task Spoofed_scanners_are_banned_from_the_detection_thread_with_every_stage_timed_and_realtime_threads_when_asked()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0);
        var stages = lab.Stages();
        var daemon = await lab.StartAsync(new DaemonStages
        {
            NetworkNamespacePath = stages.NetworkNamespacePath,
            Storage = stages.Storage,
            Policy = stages.Policy,
            HostName = stages.HostName,
            Nflog = new NflogOptions { RealtimePriority = 5 },
        });
        using var sender = RawSynSender.Open(lab.Lab.Scanners[0]);
        var server = IPAddress.Parse(LabTopology.ServerIPv4);
        string[] sources = ["192.0.2.201", "192.0.2.202", "192.0.2.203"];

        for (var i = 0; i < sources.Length; i++)
        {
            var source = sources[i];
            for (var k = 0; k < 8; k++)
            {
                // Each scanner its own source ports and sequence numbers, as separate scanners have: identical
                // copies of a probe from several sources within a second are a decoy cohort (restricted, not banned).
                sender.Send(IPAddress.Parse(source), server, (ushort)(41000 + (100 * i) + k), (ushort)(2000 + k), (uint)((1000 * i) + k));
                Thread.Sleep(2);
            }

            Assert.True(WaitUntil(() => lab.Lab.Server.Exec("nft", "list", "set", "inet", "portveil", "banned4").StdOut.Contains(source, StringComparison.Ordinal)),
                $"{source} was never banned");
        }

        Assert.Equal(3, daemon.Bans);
        Assert.Equal(0, daemon.BanFailures);
        Assert.Equal(3, daemon.Enforcer!.FastPathBans);
        var t = daemon.BanTimings!;
        Assert.Equal(3, t.Total.Count);
        Assert.Equal(3, t.PacketToVerdict.Count);
        Assert.Equal(3, t.Decide.Count);
        Assert.Equal(3, t.Kernel.Count);
        Assert.True(t.Total.QuantileMs(0) > 0, "a ban is stamped after its deciding packet");
        Assert.True(t.Total.QuantileMs(1) >= t.Kernel.QuantileMs(0), "the total includes the kernel call");
        Assert.Equal((0, 0), daemon.RealtimeErrors); // the tests run as root, so SCHED_FIFO is granted
    }

    [Fact]
    public async Task The_warm_up_at_start_makes_real_kernel_round_trips_and_leaves_no_element_ban_or_record_behind()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0);
        var daemon = await lab.StartAsync();

        // Every rehearsal ban made the round trip: the kernel acknowledged its add and its delete.
        var warmUp = daemon.WarmUp!;
        Assert.Equal(BanPathWarmUp.Sources.Length * BanPathWarmUp.DefaultRounds, warmUp.KernelRoundTrips);
        Assert.Equal(0, warmUp.KernelFailures);
        Assert.Equal(BanPathWarmUp.Sources.Length * BanPathWarmUp.DefaultRounds, warmUp.Verdicts);

        // Nothing is left in the live table: the warm-up sets are empty, no ban set holds a rehearsal address.
        foreach (var set in (string[])["warmup4", "warmup6"])
        {
            var listing = lab.Lab.Server.Exec("nft", "list", "set", "inet", "portveil", set).EnsureSuccess("nft list set " + set).StdOut;
            Assert.DoesNotContain("elements", listing, StringComparison.Ordinal);
        }

        Assert.Empty(await lab.KernelBansAsync());
        Assert.Empty(await lab.KernelSuspectsAsync());
        Assert.Equal(0, daemon.Bans);
        Assert.Equal(0, daemon.Policy!.ActiveBans);
        Assert.Equal(0, daemon.Policy.Counters.Decisions);
        await daemon.Writer!.FlushAsync();
        Assert.Empty(await daemon.Store!.ListActiveBansAsync(DateTimeOffset.UtcNow));

        // By default both ban-path threads run under SCHED_FIFO (the tests run as root).
        Assert.Equal((0, 0), daemon.RealtimeErrors);
        Assert.Equal(2, daemon.Status().RealtimeThreads);

        // A rehearsal address is still banned for real when it scans: the rehearsal's policy was its own.
        using var sender = RawSynSender.Open(lab.Lab.Scanners[0]);
        var source = BanPathWarmUp.Sources[0].ToString();
        for (var k = 0; k < 8; k++)
        {
            sender.Send(IPAddress.Parse(source), IPAddress.Parse(LabTopology.ServerIPv4), (ushort)(42000 + k), (ushort)(3000 + k), (uint)k);
            Thread.Sleep(2);
        }

        Assert.Contains(source, await lab.WaitForBanAsync(source));
        Assert.Equal(1, daemon.Bans);
    }
}
