using Microsoft.Data.Sqlite;
using PortVeil.Core;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests;

public sealed class EventWriterTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static EventWriterOptions FastRetries(int eventCapacity = 20_000, int priorityCapacity = 50_000) => new()
    {
        EventQueueCapacity = eventCapacity,
        PriorityQueueCapacity = priorityCapacity,
        BatchSize = 200,
        FlushInterval = TimeSpan.FromMilliseconds(20),
        RetryInitialDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Bans_incidents_ends_and_events_all_reach_the_database()
    {
        using var store = _db.Open();
        await using var writer = new EventWriter(store, FastRetries());
        var ban = Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(1));
        var unbanned = Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1));

        Assert.True(writer.TryWriteBan(ban));
        Assert.True(writer.TryWriteBan(unbanned));
        Assert.True(writer.TryWriteIncident(Some.Incident(Some.Address(1), Some.T0, ban.Id)));
        Assert.True(writer.TryWriteBanEnd(new BanEnd(unbanned.Id, BanEndReason.Unbanned, Some.T0.AddMinutes(5))));
        for (var i = 0; i < 450; i++)
        {
            Assert.True(writer.TryWriteEvent(Some.Event(NetAddress.FromV4(0xC633_6400u + (uint)(i % 200)), Some.T0.AddMinutes(i / 200))));
        }

        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        Assert.Equal(454, writer.Stats.Written);
        Assert.Equal(ban.Id, Assert.Single(await store.ListActiveBansAsync(Some.T0.AddMinutes(10))).Ban.Id);
        Assert.Equal(BanEndReason.Unbanned, (await store.FindBanAsync(unbanned.Id))!.EndReason);
        Assert.Single(await store.ListIncidentsByBanAsync(ban.Id));
        Assert.Equal(450, (await store.ListEventsAsync(Some.T0, Some.T0.AddHours(1))).Count);
        Assert.True(writer.Stats.Healthy);
        Assert.Null(writer.Stats.LastError);
    }

    [Fact]
    public async Task Producers_keep_writing_while_the_database_is_locked_and_everything_lands_after()
    {
        using var store = _db.Open(busyTimeoutMs: 50);
        await using var writer = new EventWriter(store, FastRetries());
        using var blocker = _db.Connect();
        Execute(blocker, "BEGIN EXCLUSIVE");

        var bans = new List<BanRecord>();
        for (var i = 0; i < 100; i++)
        {
            var ban = Some.Ban(NetAddress.FromV4(0xCB00_7100u + (uint)i), Some.T0.AddSeconds(i), TimeSpan.FromHours(1));
            bans.Add(ban);
            Assert.True(writer.TryWriteBan(ban));
            Assert.True(writer.TryWriteIncident(Some.Incident(ban.Target.Address, Some.T0.AddSeconds(i), ban.Id)));
        }

        for (var i = 0; i < 3000; i++)
        {
            Assert.True(writer.TryWriteEvent(Some.Event(NetAddress.FromV4(0xC000_0200u + (uint)(i % 250)), Some.T0.AddMinutes(i / 250))));
        }

        // Every TryWrite above returned while the lock is still held: the producer never waited for storage.
        await Eventually.TrueAsync(() => writer.Stats.Retries >= 2, "the writer to fail and retry");
        var during = writer.Stats;
        Assert.Equal(0, during.Written);
        Assert.False(during.Healthy);
        Assert.Contains(_db.Path, during.LastError, StringComparison.Ordinal);
        Assert.Contains("locked", during.LastError, StringComparison.Ordinal);
        Assert.Equal(3200, during.PriorityQueueDepth + during.EventQueueDepth + during.InFlight);

        Execute(blocker, "ROLLBACK");

        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        var after = writer.Stats;
        Assert.Equal(3200, after.Written);
        Assert.Equal(0, after.EventsDropped);
        Assert.True(after.Healthy);
        Assert.Equal(bans.Select(b => b.Id), (await store.ListActiveBansAsync(Some.T0.AddMinutes(10))).Select(b => b.Ban.Id));
        Assert.Equal(100, (await store.ListIncidentsAsync(Some.T0, Some.T0.AddHours(1))).Count);
        Assert.Equal(3000, (await store.ListEventsAsync(Some.T0, Some.T0.AddHours(1), limit: 10_000)).Count);
    }

    [Fact]
    public async Task Deleting_the_database_directory_buffers_writes_with_a_clear_error_until_it_is_restored()
    {
        using var store = _db.Open();
        await using var writer = new EventWriter(store, FastRetries());
        var before = Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(1));
        writer.TryWriteBan(before);
        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        Directory.Delete(Path.GetDirectoryName(_db.Path)!, recursive: true);
        var during = Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1));
        Assert.True(writer.TryWriteBan(during));
        for (var i = 0; i < 100; i++)
        {
            Assert.True(writer.TryWriteEvent(Some.Event(Some.Address(3), Some.T0.AddMinutes(i))));
        }

        await Eventually.TrueAsync(() => writer.Stats.Retries >= 2, "the writer to notice the missing database");
        Assert.Contains($"'{_db.Path}' was deleted or moved", writer.Stats.LastError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(_db.Path)), "nothing may silently recreate the file");

        // The operator restores the database (here: a fresh one with the schema, as a restart would make).
        using (var restored = _db.Open())
        {
            Assert.Empty(await restored.ListActiveBansAsync(Some.T0));
        }

        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        Assert.Equal(during.Id, Assert.Single(await store.ListActiveBansAsync(Some.T0)).Ban.Id);
        Assert.Equal(100, (await store.ListEventsAsync(Some.T0, Some.T0.AddDays(1))).Count);
        Assert.True(writer.Stats.Healthy);
    }

    [Fact]
    public async Task A_full_event_buffer_drops_the_oldest_events_but_keeps_every_ban()
    {
        using var store = _db.Open(busyTimeoutMs: 50);
        var options = FastRetries(eventCapacity: 100);
        options.BatchSize = 50; // the 50 bans fill the batch in hand, so no event leaves the buffer before the lock is released
        await using var writer = new EventWriter(store, options);
        using var blocker = _db.Connect();
        Execute(blocker, "BEGIN EXCLUSIVE");

        var bans = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            var ban = Some.Ban(NetAddress.FromV4(0xCB00_7100u + (uint)i), Some.T0, TimeSpan.FromHours(1));
            bans.Add(ban.Id);
            Assert.True(writer.TryWriteBan(ban));
        }

        await Eventually.TrueAsync(() => writer.Stats.Retries >= 1, "the writer to fail once");
        var events = new List<EventAggregate>();
        for (var i = 0; i < 500; i++)
        {
            var e = Some.Event(Some.Address(1), Some.T0.AddMinutes(i));
            events.Add(e);
            Assert.True(writer.TryWriteEvent(e));
        }

        Assert.Equal(400, writer.Stats.EventsDropped);
        Execute(blocker, "ROLLBACK");
        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        Assert.Equal(bans.Count, (await store.ListActiveBansAsync(Some.T0.AddMinutes(1))).Count);
        var stored = await store.ListEventsAsync(Some.T0, Some.T0.AddDays(1), limit: 1000);
        Assert.Equal(events.Skip(400), stored);
        Assert.Equal(150, writer.Stats.Written);
    }

    [Fact]
    public async Task A_full_ban_buffer_refuses_new_records_reports_it_and_loses_none_it_accepted()
    {
        using var store = _db.Open(busyTimeoutMs: 50);
        var options = FastRetries(priorityCapacity: 20);
        options.BatchSize = 5;
        await using var writer = new EventWriter(store, options);
        using var blocker = _db.Connect();
        Execute(blocker, "BEGIN EXCLUSIVE");

        var accepted = new List<Guid>();
        var refused = 0;
        for (var i = 0; i < 40; i++)
        {
            var ban = Some.Ban(NetAddress.FromV4(0xCB00_7100u + (uint)i), Some.T0, TimeSpan.FromHours(1));
            if (writer.TryWriteBan(ban))
            {
                accepted.Add(ban.Id);
            }
            else
            {
                refused++;
            }
        }

        Assert.InRange(accepted.Count, 20, 25);
        Assert.Equal(refused, writer.Stats.PriorityRefused);
        Assert.Contains("buffer is full", writer.Stats.LastError, StringComparison.Ordinal);

        Execute(blocker, "ROLLBACK");
        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        Assert.Equal(accepted, (await store.ListActiveBansAsync(Some.T0.AddMinutes(1))).Select(b => b.Ban.Id));
    }

    [Fact]
    public async Task A_record_the_database_refuses_is_set_aside_and_the_rest_are_written()
    {
        using var store = _db.Open();
        await using var writer = new EventWriter(store, FastRetries());
        var good1 = Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(1));

        // A bug upstream: a ban without its (NOT NULL) reason. It must not hold up the records around it.
        var bad = Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1)) with { Reason = null! };
        var good2 = Some.Ban(Some.Address(3), Some.T0, TimeSpan.FromHours(1));
        var incident = Some.Incident(Some.Address(1), Some.T0, good1.Id);

        writer.TryWriteBan(good1);
        writer.TryWriteBan(bad);
        writer.TryWriteBan(good2);
        writer.TryWriteIncident(incident);
        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        Assert.Equal(1, writer.Stats.Rejected);
        Assert.Equal(3, writer.Stats.Written);
        Assert.Equal([good1.Id, good2.Id], (await store.ListActiveBansAsync(Some.T0)).Select(b => b.Ban.Id));
        Assert.Single(await store.ListIncidentsByBanAsync(good1.Id));
        Assert.Contains("set aside", writer.Stats.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_while_storage_is_down_returns_and_counts_what_was_lost()
    {
        using var store = _db.Open(busyTimeoutMs: 50);
        var options = FastRetries();
        options.ShutdownTimeout = TimeSpan.FromMilliseconds(300);
        var writer = new EventWriter(store, options);
        using var blocker = _db.Connect();
        Execute(blocker, "BEGIN EXCLUSIVE");
        for (var i = 0; i < 10; i++)
        {
            writer.TryWriteEvent(Some.Event(Some.Address(1), Some.T0.AddMinutes(i)));
        }

        await writer.DisposeAsync();

        Assert.Equal(10, writer.Stats.LostOnShutdown);
        Assert.False(writer.TryWriteEvent(Some.Event(Some.Address(1), Some.T0)));
        Assert.False(writer.TryWriteBan(Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(1))));
        Assert.Equal(0, writer.Stats.PriorityRefused);
        Execute(blocker, "ROLLBACK");
    }

    [Fact]
    public async Task Disposing_a_healthy_writer_writes_what_is_buffered()
    {
        using var store = _db.Open();
        var writer = new EventWriter(store, FastRetries());
        for (var i = 0; i < 300; i++)
        {
            writer.TryWriteEvent(Some.Event(Some.Address(1), Some.T0.AddMinutes(i)));
        }

        await writer.DisposeAsync();

        Assert.Equal(0, writer.Stats.LostOnShutdown);
        Assert.Equal(300, (await store.ListEventsAsync(Some.T0, Some.T0.AddDays(1))).Count);
    }

    [Fact]
    public void Retry_delays_double_from_the_initial_delay_up_to_the_cap_and_reset_on_success()
    {
        var backoff = new RetryBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));
        var delays = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            backoff.MarkFailure();
            delays.Add(backoff.NextDelay.TotalMilliseconds);
        }

        Assert.Equal([250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000], delays);
        backoff.MarkSuccess();
        Assert.Equal(TimeSpan.Zero, backoff.NextDelay);
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
