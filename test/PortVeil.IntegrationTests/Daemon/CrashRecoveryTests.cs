using System.Globalization;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;
using Xunit.Abstractions;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// Issue 7, faults: `kill -9` of the real `portveil run` (started inside the lab server's namespace) loses no ban
/// and no acknowledged incident. Acknowledged = committed to the database (what `portveil incidents` and the API
/// can show); after a restart on the same database every ban that was in the kernel is recorded and restored.
/// </summary>
[Collection(DaemonCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class CrashRecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Kill_9_right_after_a_ban_loses_neither_the_ban_nor_an_acknowledged_incident()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        using var listener = LabTcpListener.Start(lab.Server, 22);
        using var run = new PortveilRun(lab);
        var scanner = lab.Scanners[0];
        var daemon = run.Start();

        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");
        Assert.True(PortveilRun.WaitUntil(() => run.KernelBans().Contains(scanner.IPv4)), "the scanner was not banned");
        var acknowledged = await run.CommittedIncidentsAsync();
        PortveilRun.Kill9(daemon);

        await AssertNothingLostAsync(run, run.KernelBans(), acknowledged);
        Assert.Contains(scanner.IPv4, run.KernelBans());
    }

    [Fact]
    public async Task Kill_9_during_a_burst_of_bans_loses_no_ban_that_was_in_the_kernel()
    {
        using var lab = LabTopology.Builder().WithScanners(3).WithClients(0).Build();
        using var listener = LabTcpListener.Start(lab.Server, 22);
        using var run = new PortveilRun(lab);
        var daemon = run.Start();

        // Three scanners at once; the daemon is killed as soon as the first ban lands, while the others are decided.
        var scans = lab.Scanners.Select(s => s.Start("nmap", "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-400", LabTopology.ServerIPv4)).ToList();
        try
        {
            Assert.True(PortveilRun.WaitUntil(() => run.KernelBans().Count > 0), "no ban during the burst");
            var acknowledged = await run.CommittedIncidentsAsync();
            PortveilRun.Kill9(daemon);
            var inKernel = run.KernelBans();
            output.WriteLine($"in the kernel at the kill: {string.Join(", ", inKernel)}; acknowledged incidents: {acknowledged.Count}");
            foreach (var scan in scans)
            {
                scan.WaitForExit(TestTimeouts.Scan);
            }

            await AssertNothingLostAsync(run, inKernel, acknowledged);
        }
        finally
        {
            foreach (var scan in scans)
            {
                scan.Dispose();
            }
        }
    }

    [Fact]
    public async Task Kill_9_while_the_ban_record_is_still_buffered_recovers_the_ban_from_the_kernel()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        using var listener = LabTcpListener.Start(lab.Server, 22);
        using var run = new PortveilRun(lab);
        var scanner = lab.Scanners[0];
        var daemon = run.Start();

        // Another process holds the write lock (a backup, a sqlite3 shell): the daemon bans in the kernel, its
        // record waits in the writer's buffer, and the kill -9 takes the buffer with it. Deterministic, unlike a race.
        using (var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={run.DatabasePath};Pooling=False"))
        {
            holder.Open();
            using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                begin.ExecuteNonQuery();
            }

            Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");
            Assert.True(PortveilRun.WaitUntil(() => run.KernelBans().Contains(scanner.IPv4)), "the scanner was not banned");
            var acknowledged = await run.CommittedIncidentsAsync();
            Assert.Empty(acknowledged);
            PortveilRun.Kill9(daemon);
        }

        var restarted = run.Start();
        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = run.DatabasePath });
        var ban = Assert.Single(await store.ListActiveBansAsync(DateTimeOffset.UtcNow), b => b.Ban.Target.Address.ToString() == scanner.IPv4);
        Assert.Contains("recovered from the kernel", ban.Ban.Reason, StringComparison.Ordinal);
        Assert.InRange(ban.Ban.ExpiresAt - ban.Ban.StartedAt, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Contains(scanner.IPv4, run.KernelBans());
        ProcessRunner.Run("kill", "-TERM", restarted.Process.Id.ToString(CultureInfo.InvariantCulture)).EnsureSuccess("kill -TERM");
        Assert.True(restarted.WaitForExit(TestTimeouts.Event), "the restarted daemon did not stop on SIGTERM");
        output.WriteLine(restarted.StdOut);
        Assert.Contains($"Recovered the ban of {scanner.IPv4} from the kernel", restarted.StdOut, StringComparison.Ordinal);
    }

    private async Task AssertNothingLostAsync(PortveilRun run, IReadOnlyList<string> inKernel, IReadOnlySet<Guid> acknowledged)
    {
        Assert.NotEmpty(inKernel);
        var restarted = run.Start();
        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = run.DatabasePath });
        var active = await store.ListActiveBansAsync(DateTimeOffset.UtcNow);
        var recorded = active.Select(b => b.Ban.Target.Address.ToString()).ToHashSet();
        foreach (var address in inKernel)
        {
            Assert.Contains(address, recorded);
        }

        var incidents = (await store.ListIncidentsAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), 100_000)).Select(i => i.Id).ToHashSet();
        Assert.Subset(incidents, acknowledged.ToHashSet());
        Assert.Subset(run.KernelBans().ToHashSet(), inKernel.ToHashSet());
        output.WriteLine($"{inKernel.Count} kernel ban(s) recorded and restored; {acknowledged.Count} acknowledged incident(s) kept; " +
                         $"recovered from the kernel: {active.Count(b => b.Ban.Reason.Contains("recovered from the kernel", StringComparison.Ordinal))}");

        ProcessRunner.Run("kill", "-TERM", restarted.Process.Id.ToString(CultureInfo.InvariantCulture)).EnsureSuccess("kill -TERM");
        Assert.True(restarted.WaitForExit(TestTimeouts.Event), "the restarted daemon did not stop on SIGTERM");
        output.WriteLine(restarted.StdOut);
    }
}
