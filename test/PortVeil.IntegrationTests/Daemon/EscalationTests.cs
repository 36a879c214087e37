using PortVeil.Enforcement.Policy;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>A repeat offender's ban grows (fail2ban's bantime.increment), and the count survives a restart.</summary>
[Collection(DaemonCollection.Name)]
public class EscalationTests
{
    [Fact]
    public async Task A_repeat_offender_is_banned_twice_as_long_after_a_daemon_restart()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);
        var scanner = lab.Lab.Scanners[0];
        var stages = lab.Stages();
        var shortBans = new PolicyOptions { BaseBan = TimeSpan.FromSeconds(4), EscalationFactor = 2 };

        // First offence: a 4 s ban, which the kernel expires by itself while the daemon is down.
        await lab.StartAsync(new() { NetworkNamespacePath = stages.NetworkNamespacePath, Storage = stages.Storage, Policy = shortBans, HostName = stages.HostName });
        Scan(scanner);
        Assert.True(await WaitForBanAsync(lab, scanner.IPv4), "first scan not banned");
        await lab.Daemon!.Writer!.FlushAsync();
        await lab.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(6));

        // Second offence, new daemon, same database: the ban is twice as long and says it is the second.
        await lab.StartAsync(new() { NetworkNamespacePath = stages.NetworkNamespacePath, Storage = stages.Storage, Policy = new PolicyOptions { BaseBan = TimeSpan.FromSeconds(4), EscalationFactor = 2 }, HostName = stages.HostName });
        Assert.DoesNotContain(scanner.IPv4, await lab.KernelBansAsync());
        Scan(scanner);
        Assert.True(await WaitForBanAsync(lab, scanner.IPv4), "second scan not banned");
        await lab.Daemon!.Writer!.FlushAsync();

        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = lab.DatabasePath });
        var history = await store.ListBanHistoryAsync(new PortVeil.Storage.BanTarget(PortVeil.Core.NetAddress.Parse(scanner.IPv4), 32));
        var levels = history.Where(b => !b.Ban.DryRun).OrderBy(b => b.Ban.StartedAt).Select(b => (b.Ban.EscalationLevel, b.Ban.ExpiresAt - b.Ban.StartedAt)).ToList();
        Assert.True(levels.Count >= 2, $"expected two bans, got {levels.Count}");
        Assert.Equal(0, levels[0].EscalationLevel);
        Assert.Equal(TimeSpan.FromSeconds(4), levels[0].Item2);
        Assert.Equal(1, levels[^1].EscalationLevel);
        Assert.Equal(TimeSpan.FromSeconds(8), levels[^1].Item2);
    }

    private static void Scan(LabHost scanner) =>
        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "0", "--max-rtt-timeout", "200ms", "-p", "1-100");

    private static async Task<bool> WaitForBanAsync(DaemonLab lab, string address)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if ((await lab.KernelBansAsync()).Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
