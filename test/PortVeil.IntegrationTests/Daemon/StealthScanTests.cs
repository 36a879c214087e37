using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// FIN, NULL and XMAS scans never create a conntrack entry: the table drops them as invalid. The rate-limited
/// pv:stealth log just before that drop lets the engine see them, so their senders are banned like SYN scanners.
/// </summary>
[Collection(DaemonCollection.Name)]
public class StealthScanTests
{
    [Fact]
    public async Task Nmap_FIN_NULL_and_XMAS_scanners_are_banned_and_learn_no_served_port()
    {
        await using var lab = new DaemonLab(scanners: 3, clients: 0, 22, 443);
        await lab.StartAsync();

        var scans = new (string Type, Core.ScanKind Kind, LabHost Scanner)[]
        {
            ("-sF", Core.ScanKind.Fin, lab.Lab.Scanners[0]), ("-sN", Core.ScanKind.Null, lab.Lab.Scanners[1]), ("-sX", Core.ScanKind.Xmas, lab.Lab.Scanners[2]),
        };
        foreach (var (type, _, scanner) in scans)
        {
            var result = Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", type, "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-100,443");

            // Nothing answers (dropped, then banned): served ports look exactly like the unserved ones.
            Assert.Empty(result.OpenPorts);
            var served = result.Ports.Where(p => p.Port is 22 or 443).Select(p => p.State).ToList();
            var others = result.Ports.Where(p => p.Port is not (22 or 443)).Select(p => p.State).Distinct().ToList();
            Assert.All(served, state => Assert.Contains(state, others.Count == 0 ? ["open|filtered", "filtered"] : others));
            Assert.DoesNotContain(result.Ports, p => p.State == "closed" && p.Port is 22 or 443);

            var bans = await lab.WaitForBanAsync(scanner.IPv4);
            Assert.Contains(scanner.IPv4, bans);
        }

        // Each is a full ban, not a restriction.
        Assert.Empty(await lab.KernelSuspectsAsync());
        using var store = Storage.Sqlite.SqliteStore.Open(new Storage.Sqlite.SqliteStoreOptions { Path = lab.DatabasePath });
        await lab.Daemon!.Writer!.FlushAsync();
        var active = await store.ListActiveBansAsync(DateTimeOffset.UtcNow);
        foreach (var (_, kind, scanner) in scans)
        {
            // Decided by the stealth-flag count, or by a tripwire port (23 is in 1-100) at its second probe.
            var ban = Assert.Single(active, b => b.Ban.Target.Address.ToString() == scanner.IPv4);
            Assert.Equal(kind, ban.Ban.Scan);
            Assert.True(ban.Ban.Detector is Core.DetectorKind.StealthFlags or Core.DetectorKind.Tripwire, $"{ban.Ban.Detector}: {ban.Ban.Reason}");
            Assert.StartsWith("ban ", ban.Ban.Reason, StringComparison.Ordinal);
        }
    }
}
