using PortVeil.Core;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;
using Xunit.Abstractions;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// Issue 7, faults: a full disk, a read-only database and a corrupt database at start, under the real daemon
/// (NFLOG, nftables, SQLite) in a lab. The kernel keeps banning, the log names the file and the fault, records are
/// buffered within the writer's bounds, and they are written once the fault is removed.
/// </summary>
[Collection(DaemonCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class StorageFaultTests(ITestOutputHelper output)
{
    // Retries back off to 1 s instead of 30 s, so the recovery shows up within the test's wait bound.
    private static readonly EventWriterOptions QuickRetry = new() { RetryMaxDelay = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task A_full_disk_keeps_banning_in_the_kernel_and_the_buffered_records_are_written_once_space_is_freed()
    {
        var mount = Directory.CreateTempSubdirectory("pv-full-");
        ProcessRunner.Run("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "pv-full", mount.FullName).EnsureSuccess("mount tmpfs");
        try
        {
            await using var lab = new DaemonLab(scanners: 2, clients: 0, 22);
            var database = Path.Combine(mount.FullName, "portveil.db");
            var log = new DaemonLogCollector();
            var daemon = await lab.StartAsync(lab.Stages(databasePath: database, writer: QuickRetry), log);
            await BanAsync(lab, lab.Lab.Scanners[0]);
            await daemon.Writer!.FlushAsync().WaitAsync(TestTimeouts.Event);

            // dd stops with "No space left on device": that is the point.
            var fill = Path.Combine(mount.FullName, "fill");
            ProcessRunner.Run("dd", "if=/dev/zero", $"of={fill}", "bs=16k");
            await BanAsync(lab, lab.Lab.Scanners[1]);

            var failing = await log.WaitForAsync(1400, TestTimeouts.Event);
            Assert.NotNull(failing);
            output.WriteLine(failing);
            Assert.Contains("full", failing, StringComparison.Ordinal);
            Assert.Contains(database, failing, StringComparison.Ordinal);
            var stats = daemon.Writer.Stats;
            Assert.False(stats.Healthy);
            Assert.True(stats.PriorityQueueDepth + stats.InFlight > 0, "the ban and its incident wait in the buffer");
            Assert.Equal(0, stats.PriorityRefused);

            File.Delete(fill);
            await daemon.Writer.FlushAsync().WaitAsync(TestTimeouts.Event + TestTimeouts.Event);
            Assert.NotNull(await log.WaitForAsync(1402, TestTimeouts.Event));
            await AssertRecordedAsync(database, lab.Lab.Scanners[1]);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            ProcessRunner.Run("umount", "-l", mount.FullName);
            mount.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_database_made_read_only_keeps_banning_in_the_kernel_and_catches_up_once_writable()
    {
        await using var lab = new DaemonLab(scanners: 2, clients: 0, 22);
        string[] files = [lab.DatabasePath, lab.DatabasePath + "-wal"];
        try
        {
            var log = new DaemonLogCollector();
            var daemon = await lab.StartAsync(lab.Stages(writer: QuickRetry), log);
            await BanAsync(lab, lab.Lab.Scanners[0]);
            await daemon.Writer!.FlushAsync().WaitAsync(TestTimeouts.Event);

            ProcessRunner.Run("chattr", ["+i", .. files]).EnsureSuccess("chattr +i");
            await BanAsync(lab, lab.Lab.Scanners[1]);

            var failing = await log.WaitForAsync(1400, TestTimeouts.Event);
            Assert.NotNull(failing);
            output.WriteLine(failing);
            Assert.Contains("read-only", failing, StringComparison.Ordinal);
            Assert.Contains(lab.DatabasePath, failing, StringComparison.Ordinal);
            Assert.True(daemon.Writer.Stats.PriorityQueueDepth + daemon.Writer.Stats.InFlight > 0, "the ban and its incident wait in the buffer");

            ProcessRunner.Run("chattr", ["-i", .. files]).EnsureSuccess("chattr -i");
            await daemon.Writer.FlushAsync().WaitAsync(TestTimeouts.Event + TestTimeouts.Event);
            Assert.NotNull(await log.WaitForAsync(1402, TestTimeouts.Event));
            await AssertRecordedAsync(lab.DatabasePath, lab.Lab.Scanners[1]);
        }
        finally
        {
            ProcessRunner.Run("chattr", ["-i", .. files]);
        }
    }

    [Fact]
    public async Task A_database_already_read_only_at_start_still_starts_bans_in_the_kernel_and_catches_up_once_writable()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);
        await lab.StartAsync(lab.Stages(writer: QuickRetry));
        await lab.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = new[] { lab.DatabasePath, lab.DatabasePath + "-wal", lab.DatabasePath + "-shm" }.Where(File.Exists).ToArray();
        try
        {
            ProcessRunner.Run("chattr", ["+i", .. files]).EnsureSuccess("chattr +i");
            var log = new DaemonLogCollector();
            var daemon = await lab.StartAsync(lab.Stages(writer: QuickRetry), log);
            await BanAsync(lab, lab.Lab.Scanners[0]);

            var failing = await log.WaitForAsync(1400, TestTimeouts.Event);
            Assert.NotNull(failing);
            output.WriteLine(failing);
            Assert.Contains("read-only", failing, StringComparison.Ordinal);
            Assert.Contains(lab.DatabasePath, failing, StringComparison.Ordinal);

            ProcessRunner.Run("chattr", ["-i", .. files]).EnsureSuccess("chattr -i");
            await daemon.Writer!.FlushAsync().WaitAsync(TestTimeouts.Event + TestTimeouts.Event);
            await AssertRecordedAsync(lab.DatabasePath, lab.Lab.Scanners[0]);
        }
        finally
        {
            ProcessRunner.Run("chattr", ["-i", .. files]);
        }
    }

    [Fact]
    public async Task A_disk_already_full_at_start_stops_the_start_with_a_clear_error_and_the_kernel_bans_stay()
    {
        var mount = Directory.CreateTempSubdirectory("pv-full-");
        ProcessRunner.Run("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "pv-full", mount.FullName).EnsureSuccess("mount tmpfs");
        try
        {
            await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);
            var database = Path.Combine(mount.FullName, "portveil.db");
            await lab.StartAsync(lab.Stages(databasePath: database));
            await BanAsync(lab, lab.Lab.Scanners[0]);
            await lab.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            ProcessRunner.Run("dd", "if=/dev/zero", $"of={Path.Combine(mount.FullName, "fill")}", "bs=4k");

            // SQLite cannot create its 32 KB -shm file: the start stops (exit 1 from `portveil run`) naming the file and the fault.
            var error = await Assert.ThrowsAsync<StorageException>(() => lab.StartAsync(lab.Stages(databasePath: database)));
            output.WriteLine(error.Message);
            Assert.Equal(StorageErrorKind.DiskFull, error.Kind);
            Assert.Contains(database, error.Message, StringComparison.Ordinal);
            Assert.Contains("full", error.Message, StringComparison.Ordinal);
            Assert.Contains(lab.Lab.Scanners[0].IPv4, lab.Lab.Server.Exec("nft", "list", "set", "inet", "portveil", "banned4").StdOut, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            ProcessRunner.Run("umount", "-l", mount.FullName);
            mount.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_corrupt_database_at_start_is_moved_aside_loudly_and_the_daemon_protects_on_a_new_one()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);
        var garbage = new byte[16384];
        new Random(11).NextBytes(garbage);
        File.WriteAllBytes(lab.DatabasePath, garbage);
        var log = new DaemonLogCollector();

        var daemon = await lab.StartAsync(lab.Stages(), log);

        var moved = Assert.Single(log.Lines, l => l.EventId == 1403);
        output.WriteLine(moved.Message);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Critical, moved.Level);
        Assert.Contains(lab.DatabasePath, moved.Message, StringComparison.Ordinal);
        var copy = Assert.Single(Directory.GetFiles(lab.StateDirectory, "portveil.db.corrupt-*"));
        Assert.Contains(copy, moved.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllBytes(copy));

        await BanAsync(lab, lab.Lab.Scanners[0]);
        await daemon.Writer!.FlushAsync().WaitAsync(TestTimeouts.Event);
        await AssertRecordedAsync(lab.DatabasePath, lab.Lab.Scanners[0]);
    }

    private static async Task BanAsync(DaemonLab lab, LabHost scanner)
    {
        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");
        Assert.Contains(scanner.IPv4, await lab.WaitForBanAsync(scanner.IPv4));
    }

    private static async Task AssertRecordedAsync(string database, LabHost scanner)
    {
        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = database });
        var active = await store.ListActiveBansAsync(DateTimeOffset.UtcNow);
        Assert.Contains(active, b => b.Ban.Target.Address.ToString() == scanner.IPv4);
        Assert.NotEmpty(await store.ListIncidentsBySourceAsync(SourceKey.ForAddress(NetAddress.Parse(scanner.IPv4))));
    }
}
