using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;
using Xunit.Abstractions;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// Issue 7, faults: a reboot. The server's namespace is deleted (kernel table, sets and conntrack gone) and built
/// afresh; a new daemon on the same database restores the active bans with the time they have left, not their
/// full duration again, and leaves out the ones that expired meanwhile.
/// </summary>
[Collection(DaemonCollection.Name)]
public class RebootTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ShortBan = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LongBan = TimeSpan.FromMinutes(10);
    private const string ShortBanned = "198.51.100.150";
    private const string LongBanned = "198.51.100.151";

    [Fact]
    public async Task After_a_reboot_active_bans_come_back_with_their_remaining_time_and_expired_ones_do_not()
    {
        var state = Directory.CreateTempSubdirectory("pv-reboot-");
        var database = Path.Combine(state.FullName, "portveil.db");
        try
        {
            string scanner;
            await using (var before = new DaemonLab(scanners: 1, clients: 0, 22))
            {
                var daemon = await before.StartAsync(before.Stages(databasePath: database));
                scanner = before.Lab.Scanners[0].IPv4;
                Nmap.Scan(before.Lab.Scanners[0], LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");
                Assert.Contains(scanner, await before.WaitForBanAsync(scanner));
                Assert.True((await daemon.Operator!.BanAsync(NetPrefix.Parse(ShortBanned), ShortBan, "reboot test: expires before the restart", CancellationToken.None)).Succeeded);
                Assert.True((await daemon.Operator!.BanAsync(NetPrefix.Parse(LongBanned), LongBan, "reboot test: outlives the restart", CancellationToken.None)).Succeeded);
                await daemon.Writer!.FlushAsync().WaitAsync(TestTimeouts.Event);
            }

            // The lab, its namespaces and everything the kernel held are gone. Let the short ban run out meanwhile.
            Dictionary<string, DateTimeOffset> expiries;
            using (var store = SqliteStore.Open(new SqliteStoreOptions { Path = database }))
            {
                expiries = (await store.ListActiveBansAsync(DateTimeOffset.UtcNow)).ToDictionary(b => b.Ban.Target.Address.ToString(), b => b.Ban.ExpiresAt);
            }

            Assert.Contains(scanner, expiries.Keys);
            var shortExpiry = expiries.GetValueOrDefault(ShortBanned, DateTimeOffset.UtcNow);
            var wait = shortExpiry - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await using var after = new DaemonLab(scanners: 1, clients: 0, 22);
            Assert.NotEqual(0, after.Lab.Server.Exec("nft", "list", "table", "inet", "portveil").ExitCode);
            var startedAt = DateTimeOffset.UtcNow;
            var restarted = await after.StartAsync(after.Stages(databasePath: database));
            var kernel = await restarted.Enforcer!.ListAsync();
            var listedAt = DateTimeOffset.UtcNow;

            foreach (var address in (string[])[scanner, LongBanned])
            {
                var ban = Assert.Single(kernel, b => !b.ByReflex && b.Source == SourceKey.ForAddress(NetAddress.Parse(address)));
                var left = expiries[address] - startedAt;
                output.WriteLine($"{address}: {ban.Remaining} left in the kernel, {expiries[address] - listedAt}..{left} expected, full timeout listed {ban.Timeout}");

                // nft reports whole seconds (timeouts are rounded up): a second of slack each way, never the full duration again.
                Assert.InRange(ban.Remaining, expiries[address] - listedAt - TimeSpan.FromSeconds(2), left + TimeSpan.FromSeconds(1));
            }

            Assert.DoesNotContain(kernel, b => b.Source == SourceKey.ForAddress(NetAddress.Parse(ShortBanned)));
            Assert.False(LabTcpClient.TryConnect(after.Lab.Scanners[0], LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(3)));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            state.Delete(recursive: true);
        }
    }
}
