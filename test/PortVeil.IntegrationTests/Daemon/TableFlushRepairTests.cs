using System.Diagnostics;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;
using Xunit.Abstractions;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// Issue 7, faults: `nft flush ruleset` in the protected namespace, under the running daemon. The watchdog rebuilds
/// the table with its bans; the time to repair is measured and reported (docs/storage.md, Faults), not asserted:
/// the wait is bounded by <see cref="TestTimeouts.Event"/>.
/// </summary>
[Collection(DaemonCollection.Name)]
public class TableFlushRepairTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Nft_flush_ruleset_is_repaired_with_the_bans_and_the_scanner_stays_blocked()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);
        var daemon = await lab.StartAsync();
        var scanner = lab.Lab.Scanners[0];
        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");
        Assert.Contains(scanner.IPv4, await lab.WaitForBanAsync(scanner.IPv4));

        var repairs = new List<TimeSpan>();
        for (var round = 0; round < 3; round++)
        {
            lab.Lab.Server.Exec("nft", "flush", "ruleset").EnsureSuccess("nft flush ruleset");
            var clock = Stopwatch.StartNew();
            var back = false;
            while (!back && clock.Elapsed < TestTimeouts.Event)
            {
                back = lab.Lab.Server.Exec("nft", "list", "set", "inet", "portveil", "banned4").StdOut.Contains(scanner.IPv4, StringComparison.Ordinal);
            }

            repairs.Add(clock.Elapsed);
            Assert.True(back, $"round {round + 1}: the ban was not back within {TestTimeouts.Event}");
            Assert.True(await daemon.Enforcer!.IsTableIntactAsync(), "the table is whole again");
        }

        // Measured from the flush command's return to the ban being listed again (each probe is one nft process, ~10 ms).
        output.WriteLine($"repair times: {string.Join(", ", repairs.Select(r => $"{r.TotalMilliseconds:0} ms"))}; repairs counted {daemon.Enforcer!.Repairs}");
        Assert.True(daemon.Enforcer.Repairs >= 3);
        Assert.False(LabTcpClient.TryConnect(scanner, LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(3)));
    }
}
