using System.Diagnostics;
using System.Globalization;
using System.Net;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// The effectiveness bench's distributed scenario as a test: 8 real nmap -sS -T4 scanners of one /24, each taking
/// every 8th port of 1-200,443,8443, all at once, against a server with 4 open ports and the real daemon (gating on).
/// No scanner may learn an open port, and guests (new, returning, one with a typo) keep connecting.
/// </summary>
[Collection(DaemonCollection.Name)]
public class DistributedScanTests
{
    private const string Subnet = "198.51.100.0/24";

    // A guest in the scanners' own /24 that connected before the scan (so it is in @known4).
    private const string ReturningGuest = "198.51.100.78";

    // An address of the scanners' /24 on the allowlist: the /24 can never be banned whole.
    private const string AllowlistedNeighbour = "198.51.100.77";

    private static readonly int[] Served = [22, 25, 443, 8443];
    private static readonly TimeSpan GuestConnect = TimeSpan.FromSeconds(6);

    private static string Slice(int index, int of) => string.Join(',',
        Enumerable.Range(1, 200).Concat([443, 8443]).Where((_, i) => i % of == index).Select(p => p.ToString(CultureInfo.InvariantCulture)));

    private static IReadOnlyList<NmapResult> ScanInSlices(IReadOnlyList<LabHost> scanners)
    {
        var tasks = new List<Task<NmapResult>>();
        for (var i = 0; i < scanners.Count; i++)
        {
            var scanner = scanners[i];
            var slice = Slice(i, scanners.Count);
            tasks.Add(Task.Run(() => Nmap.Scan(scanner, LabTopology.ServerIPv4, ["-Pn", "-sS", "-T4", "-p", slice], TestTimeouts.Scan)));
        }

        Task.WaitAll(tasks);
        return [.. tasks.Select(t => t.Result)];
    }

    /// <summary>Served ports any scan reported open, or listed one by one as open|filtered (both tell the scanner the port is there).</summary>
    private static List<int> Revealed(IEnumerable<NmapResult> results) =>
        [.. results.SelectMany(r => r.Ports).Where(p => p.State == "open" || (p.State == "open|filtered" && Served.Contains(p.Port))).Select(p => p.Port).Distinct().Order()];

    private static bool Covered(IReadOnlyList<string> bans, string address) =>
        bans.Contains(address) || bans.Where(b => b.Contains('/', StringComparison.Ordinal)).Any(b => IPNetwork.Parse(b).Contains(IPAddress.Parse(address)));

    private static TimeSpan? TimedConnect(LabHost from, int port)
    {
        var clock = Stopwatch.StartNew();
        return LabTcpClient.TryConnect(from, LabTopology.ServerIPv4, port, GuestConnect) ? clock.Elapsed : null;
    }

    private static async Task<IReadOnlyList<string>> WaitForAllBannedAsync(DaemonLab lab, IEnumerable<LabHost> scanners, bool individually)
    {
        IReadOnlyList<string> bans = [];
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            bans = await lab.KernelBansAsync();
            if (scanners.All(s => individually ? bans.Contains(s.IPv4) : Covered(bans, s.IPv4)))
            {
                break;
            }
        }

        return bans;
    }

    [Fact]
    public async Task Eight_nmap_scanners_of_one_24_each_scanning_a_slice_learn_no_open_port_and_guests_still_connect()
    {
        await using var lab = new DaemonLab(LabTopology.Builder().WithScanners(8).WithClients(2).WithBystanders(ReturningGuest), Served);
        await lab.StartAsync();
        var returning = lab.Lab.Bystanders[0];
        Assert.NotNull(TimedConnect(returning, 443));

        var results = ScanInSlices(lab.Lab.Scanners);

        Assert.Empty(Revealed(results));
        var bans = await WaitForAllBannedAsync(lab, lab.Lab.Scanners, individually: false);
        Assert.All(lab.Lab.Scanners, s => Assert.True(Covered(bans, s.IPv4), $"{s.IPv4} banned (alone or by its /24): {string.Join(' ', bans)}"));

        // A never-seen guest pays one retransmit; the returning guest of the scanners' /24 (in @known4) pays nothing,
        // even if the /24 is banned; nobody but the scanners is banned.
        var fresh = TimedConnect(lab.Lab.Clients[0], 22);
        var back = TimedConnect(returning, 443);
        Assert.NotNull(fresh);
        Assert.NotNull(back);
        Assert.True(back < TimeSpan.FromSeconds(0.7), $"the returning guest connected in {back}");
        Assert.DoesNotContain(lab.Lab.Clients[0].IPv4, bans);
        Assert.DoesNotContain(lab.Lab.Clients[1].IPv4, bans);
        Assert.DoesNotContain(ReturningGuest, bans);
    }

    [Fact]
    public async Task When_the_24_cannot_be_banned_whole_every_scanner_is_banned_on_its_own_and_learns_nothing()
    {
        await using var lab = new DaemonLab(LabTopology.Builder().WithScanners(8).WithClients(1).WithBystanders(AllowlistedNeighbour), Served);
        var stages = lab.Stages();
        stages.Allowlist.Static.Add(AllowlistedNeighbour + "/32");
        await lab.StartAsync(stages);
        var typo = lab.Lab.Clients[0];

        // A guest mistypes a port (its stack retransmits the SYN once), then uses the right one during the scan.
        Assert.False(LabTcpClient.TryConnect(typo, LabTopology.ServerIPv4, 8080, TimeSpan.FromSeconds(1.5)));
        var guest = Task.Run(() => TimedConnect(typo, 443));
        var results = ScanInSlices(lab.Lab.Scanners);

        Assert.Empty(Revealed(results));
        var bans = await WaitForAllBannedAsync(lab, lab.Lab.Scanners, individually: true);
        Assert.All(lab.Lab.Scanners, s => Assert.Contains(s.IPv4, bans));
        Assert.DoesNotContain(Subnet, bans);
        Assert.NotNull(await guest);
        Assert.DoesNotContain(typo.IPv4, bans);
        Assert.True(LabTcpClient.TryConnect(lab.Lab.Bystanders[0], LabTopology.ServerIPv4, 443, GuestConnect), "the allowlisted neighbour connects");
    }

    [Fact]
    public async Task A_known_address_that_scans_after_its_24_was_banned_is_banned_on_its_own()
    {
        await using var lab = new DaemonLab(LabTopology.Builder().WithScanners(8), Served);
        await lab.StartAsync();
        var turncoat = lab.Lab.Scanners[7];

        // It connects like a guest first (so it is in @known4, which the /24 rule spares), then the other 7 scan.
        Assert.NotNull(TimedConnect(turncoat, 443));
        ScanInSlices([.. lab.Lab.Scanners.Take(7)]);
        var bans = await WaitForAllBannedAsync(lab, lab.Lab.Scanners.Take(7), individually: false);
        Assert.Contains(Subnet, bans);
        Assert.DoesNotContain(turncoat.IPv4, bans);

        Nmap.Scan(turncoat, LabTopology.ServerIPv4, ["-Pn", "-sS", "-T4", "-p", Slice(7, 8)], TestTimeouts.Scan);

        // Before the fix its verdict was skipped ("already banned" by the /24) while the kernel let it through; only
        // the reflex meter could stop it. The daemon's own ban (not a reflex ban) is the fix's doing.
        bans = await WaitForAllBannedAsync(lab, [turncoat], individually: true);
        Assert.Contains(turncoat.IPv4, bans);
        var daemonBans = (await lab.Daemon!.Enforcer!.ListAsync()).Where(b => !b.ByReflex && !b.Restricted).Select(b => b.Source.ToString());
        Assert.Contains(turncoat.IPv4, daemonBans);
        Assert.False(LabTcpClient.TryConnect(turncoat, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(3)), "banned on its own, it no longer connects");
    }
}
