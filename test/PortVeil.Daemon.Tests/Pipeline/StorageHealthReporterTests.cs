using Microsoft.Extensions.Logging;
using PortVeil.Core;
using PortVeil.Daemon.Pipeline;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Pipeline;

/// <summary>Issue 7: a storage outage is logged once by name, repeated with its drop counts, and its recovery logged (real SQLite, real writer).</summary>
public sealed class StorageHealthReporterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"pv-health-{Guid.NewGuid():N}");

    public StorageHealthReporterTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static BanRecord Ban(int last) => Some.Ban(NetAddress.Parse($"198.51.100.{last}"), DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    [Fact]
    public async Task An_outage_is_logged_once_with_the_file_then_repeated_with_drops_and_its_recovery_is_logged()
    {
        var path = Path.Combine(_directory, "h.db");
        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = path });
        var options = new EventWriterOptions
        {
            PriorityQueueCapacity = 2,
            BatchSize = 1,
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(100),
            FlushInterval = TimeSpan.FromMilliseconds(20),
        };
        await using var writer = new EventWriter(store, options);
        var logger = new CollectingLogger();
        var reporter = new StorageHealthReporter(writer, options, path, logger);
        var t0 = DateTimeOffset.UtcNow;

        // The database moved away while running: the writer's next batch fails (a transient outage).
        File.Move(path, path + ".away");
        Assert.True(writer.TryWriteBan(Ban(1)));
        await Eventually(() => !writer.Stats.Healthy);
        reporter.Check(t0);

        // One record in flight, two buffered: the fourth is refused and counted, never silently lost.
        Assert.True(writer.TryWriteBan(Ban(2)));
        Assert.True(writer.TryWriteBan(Ban(3)));
        Assert.False(writer.TryWriteBan(Ban(4)));
        reporter.Check(t0.AddSeconds(1));
        reporter.Check(t0 + StorageHealthReporter.RepeatEvery);

        Assert.True(reporter.Failing);
        var failing = Assert.Single(logger.Lines, l => l.EventId == 1400);
        Assert.Equal(LogLevel.Error, failing.Level);
        Assert.Contains(path, failing.Message, StringComparison.Ordinal);
        Assert.Contains("Kernel bans keep working", failing.Message, StringComparison.Ordinal);
        var repeated = Assert.Single(logger.Lines, l => l.EventId == 1401);
        Assert.Contains("1 bans/incidents refused", repeated.Message, StringComparison.Ordinal);

        File.Move(path + ".away", path);
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        reporter.Check(t0 + StorageHealthReporter.RepeatEvery + TimeSpan.FromSeconds(1));

        Assert.False(reporter.Failing);
        var recovered = Assert.Single(logger.Lines, l => l.EventId == 1402);
        Assert.Contains("1 bans/incidents refused", recovered.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await store.ListActiveBansAsync(DateTimeOffset.UtcNow)).Count);
    }

    [Fact]
    public async Task A_healthy_writer_logs_nothing()
    {
        var path = Path.Combine(_directory, "ok.db");
        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = path });
        var options = new EventWriterOptions();
        await using var writer = new EventWriter(store, options);
        var logger = new CollectingLogger();
        var reporter = new StorageHealthReporter(writer, options, path, logger);
        Assert.True(writer.TryWriteBan(Ban(1)));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        reporter.Check(DateTimeOffset.UtcNow);

        Assert.False(reporter.Failing);
        Assert.Empty(logger.Lines);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10); DateTime.UtcNow < deadline && !condition(); await Task.Delay(10))
        {
        }

        Assert.True(condition());
    }
}
