using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// `portveil run` end to end in a lab: real nmap against a server protected by the real daemon (NFLOG, engine,
/// policy, nftables, SQLite), a real guest beside it.
/// </summary>
[Collection(DaemonCollection.Name)]
public class DaemonEndToEndTests
{
    private static readonly TimeSpan GuestConnect = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task A_nmap_syn_scan_is_banned_learns_no_open_port_and_the_guest_keeps_working()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 1, 22, 443);
        await lab.StartAsync();
        var scanner = lab.Lab.Scanners[0];
        var guest = lab.Lab.Clients[0];

        // A never-seen guest pays one retransmit (first-contact gating), then works.
        Assert.True(LabTcpClient.TryConnect(guest, LabTopology.ServerIPv4, 443, GuestConnect));

        var scan = Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-1000");
        Assert.Empty(scan.OpenPorts);

        var bans = await WaitForAsync(lab, b => b.Contains(scanner.IPv4));
        Assert.Contains(scanner.IPv4, bans);
        Assert.DoesNotContain(guest.IPv4, bans);

        // The guest, already known, connects at once and is never banned.
        Assert.True(LabTcpClient.TryConnect(guest, LabTopology.ServerIPv4, 22, GuestConnect));
        Assert.True(LabTcpClient.TryConnect(guest, LabTopology.ServerIPv4, 443, GuestConnect));
        Assert.DoesNotContain(guest.IPv4, await lab.KernelBansAsync());

        // The scanner is now dropped before conntrack, even on a served port.
        Assert.False(LabTcpClient.TryConnect(scanner, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Bans_survive_a_daemon_restart_and_a_lost_table()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);
        await lab.StartAsync();
        var scanner = lab.Lab.Scanners[0];
        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");
        await WaitForAsync(lab, b => b.Contains(scanner.IPv4));
        await lab.Daemon!.Writer!.FlushAsync();
        await lab.StopAsync();

        // A reboot loses the kernel table: simulate it, then start a fresh daemon on the same database.
        lab.Lab.Server.Exec("nft", "delete", "table", "inet", "portveil").EnsureSuccess("delete table");
        await lab.StartAsync();
        var bans = await lab.KernelBansAsync();
        Assert.Contains(scanner.IPv4, bans);
        Assert.False(LabTcpClient.TryConnect(scanner, LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Dry_run_records_what_it_would_ban_and_bans_nothing()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);
        await lab.StartAsync(lab.Stages(dryRun: true));
        var scanner = lab.Lab.Scanners[0];
        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");

        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = lab.DatabasePath });
        var recorded = false;
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline && !recorded; await Task.Delay(200))
        {
            await lab.Daemon!.Writer!.FlushAsync();
            var active = await store.ListActiveBansAsync(DateTimeOffset.UtcNow);
            recorded = active.Any(b => b.Ban.Target.Address.ToString() == scanner.IPv4 && b.Ban.DryRun);
        }

        Assert.True(recorded, "dry-run should record the ban it would have made");
        Assert.Empty(await lab.KernelBansAsync());
    }

    private static async Task<IReadOnlyList<string>> WaitForAsync(DaemonLab lab, Func<IReadOnlyList<string>, bool> condition)
    {
        IReadOnlyList<string> bans = [];
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            bans = await lab.KernelBansAsync();
            if (condition(bans))
            {
                break;
            }
        }

        return bans;
    }
}
