using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// nmap -D: every probe also comes from three forged decoy addresses. The daemon restricts the whole cohort (raw
/// probes dropped) instead of banning innocents, and a real host that owns a decoy address still connects.
/// </summary>
[Collection(DaemonCollection.Name)]
public class DecoyScanTests
{
    private static readonly string[] Decoys = ["198.51.100.201", "198.51.100.202", "198.51.100.203"];

    [Fact]
    public async Task Decoy_scan_learns_nothing_bans_no_decoy_and_a_real_host_at_a_decoy_address_still_connects()
    {
        await using var lab = new DaemonLab(LabTopology.Builder().WithScanners(1).WithClients(0).WithBystanders(Decoys[0]), 22, 443);
        await lab.StartAsync();
        var scanner = lab.Lab.Scanners[0];
        var bystander = lab.Lab.Bystanders[0];

        var result = Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "-D", string.Join(',', [.. Decoys, "ME"]), "--top-ports", "100");
        Assert.Empty(result.OpenPorts);

        var suspects = await lab.WaitForSuspectsAsync([.. Decoys, scanner.IPv4]);
        var bans = await lab.KernelBansAsync();
        Assert.All(Decoys, d => Assert.DoesNotContain(d, bans));
        Assert.All(Decoys, d => Assert.Contains(d, suspects));
        Assert.Contains(scanner.IPv4, suspects);

        // The host that really owns 198.51.100.201 uses its kernel's stack (SYN with SACK-permitted): it gets in,
        // while that address is a suspect. (First contact costs one retransmit at most.)
        Assert.True(LabTcpClient.TryConnect(bystander, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(6)));
        Assert.Contains(Decoys[0], await lab.KernelSuspectsAsync());
        Assert.DoesNotContain(Decoys[0], await lab.KernelBansAsync());

        // The scanner's raw probes stay dropped: a second scan learns nothing either.
        var again = Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "-p", "22,443");
        Assert.Empty(again.OpenPorts);

        // Stored as ban records that say they are restrictions, logged apart from bans.
        await lab.Daemon!.Writer!.FlushAsync();
        using var store = Storage.Sqlite.SqliteStore.Open(new Storage.Sqlite.SqliteStoreOptions { Path = lab.DatabasePath });
        var active = await store.ListActiveBansAsync(DateTimeOffset.UtcNow);
        foreach (var d in Decoys)
        {
            var record = Assert.Single(active, b => b.Ban.Target.Address.ToString() == d);
            Assert.True(PortVeil.Enforcement.Policy.RestrictionRecords.IsRestriction(record.Ban.Reason), record.Ban.Reason);
            Assert.Contains("decoy cohort", record.Ban.Reason, StringComparison.Ordinal);
        }

        Assert.Equal(4, lab.Daemon.Restrictions);
        Assert.Equal(0, lab.Daemon.Bans);

        // A reboot loses the kernel table: restrictions come back from storage into the suspect sets, not the ban sets.
        await lab.StopAsync();
        lab.Lab.Server.Exec("nft", "delete", "table", "inet", "portveil").EnsureSuccess("delete table");
        await lab.StartAsync();
        var restored = await lab.KernelSuspectsAsync();
        Assert.All(Decoys, d => Assert.Contains(d, restored));
        Assert.Empty(await lab.KernelBansAsync());
        Assert.True(LabTcpClient.TryConnect(bystander, LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(6)));
    }
}
