using PortVeil.Core;

namespace PortVeil.Storage.Tests.Stores;

/// <summary>Retention behaviours every backend must show; run by SqliteStoreRetentionTests and PostgresStoreRetentionTests.</summary>
public abstract class StoreRetentionTests(ITestDatabase db) : IDisposable
{
    private static readonly DateTimeOffset Now = Some.T0;

    private readonly ITestDatabase _db = db;

    public void Dispose()
    {
        _db.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Prune_deletes_only_rows_older_than_their_retention()
    {
        using var store = _db.OpenStore();
        var retention = new RetentionOptions { EventDays = 7, IncidentDays = 30, BanHistoryDays = 90 };
        await store.AddEventsAsync([
            Some.Event(Some.Address(1), Now.AddDays(-8)),
            Some.Event(Some.Address(2), Now.AddDays(-6)),
            Some.Event(Some.Address(3), Now.AddMinutes(-1)),
        ]);
        await store.RecordIncidentAsync(Some.Incident(Some.Address(1), Now.AddDays(-31)));
        var recentIncident = Some.Incident(Some.Address(2), Now.AddDays(-29));
        await store.RecordIncidentAsync(recentIncident);
        var oldEnded = Some.Ban(Some.Address(1), Now.AddDays(-100), TimeSpan.FromHours(1));
        var recentEnded = Some.Ban(Some.Address(2), Now.AddDays(-80), TimeSpan.FromHours(1));
        var oldButActive = Some.Ban(Some.Address(3), Now.AddDays(-400), TimeSpan.FromDays(800));
        var oldUnbannedEarly = Some.Ban(Some.Address(4), Now.AddDays(-200), TimeSpan.FromDays(1000));
        foreach (var b in new[] { oldEnded, recentEnded, oldButActive, oldUnbannedEarly })
        {
            await store.RecordBanAsync(b);
        }

        await store.EndBanAsync(new BanEnd(oldUnbannedEarly.Id, BanEndReason.Unbanned, Now.AddDays(-199)));

        var result = await store.PruneAsync(retention, Now);

        Assert.Equal(new PruneResult(1, 1, 2), result);
        Assert.Equal(
            [Some.Address(2), Some.Address(3)],
            (await store.ListEventsAsync(Now.AddYears(-1), Now.AddDays(1))).Select(e => e.Source));
        Assert.Equal(recentIncident.Id, Assert.Single(await store.ListIncidentsAsync(Now.AddYears(-1), Now.AddDays(1))).Id);
        Assert.Null(await store.FindBanAsync(oldEnded.Id));
        Assert.Null(await store.FindBanAsync(oldUnbannedEarly.Id));
        Assert.NotNull(await store.FindBanAsync(recentEnded.Id));
        Assert.Equal(oldButActive.Id, Assert.Single(await store.ListActiveBansAsync(Now)).Ban.Id);
    }

    [Fact]
    public async Task Row_caps_delete_the_oldest_rows_first()
    {
        using var store = _db.OpenStore();
        var events = new List<EventAggregate>();
        for (var i = 0; i < 1500; i++)
        {
            events.Add(Some.Event(Some.Address(1 + (i % 200)), Now.AddMinutes(-1500 + i)));
        }

        await store.AddEventsAsync(events);
        for (var i = 0; i < 1100; i++)
        {
            await store.RecordIncidentAsync(Some.Incident(Some.Address(1), Now.AddSeconds(-1100 + i)));
        }

        var result = await store.PruneAsync(new RetentionOptions { MaxEventRows = 1000, MaxIncidents = 1000 }, Now);

        Assert.Equal(500, result.EventRows);
        Assert.Equal(100, result.Incidents);
        var kept = await store.ListEventsAsync(Now.AddDays(-2), Now.AddDays(1), limit: 5000);
        Assert.Equal(1000, kept.Count);
        Assert.Equal(EventAggregate.BucketOf(Now.AddMinutes(-1000).ToUnixTimeMilliseconds()), kept[0].BucketStartMs);
        var incidents = await store.ListIncidentsAsync(Now.AddDays(-1), Now.AddDays(1), limit: 5000);
        Assert.Equal(1000, incidents.Count);
        Assert.Equal(Some.Ns(Now.AddSeconds(-1000)), incidents[0].Verdict.DecidedAtNs);
    }

    [Fact]
    public async Task The_ban_cap_never_deletes_an_active_ban()
    {
        using var store = _db.OpenStore();
        var active = new List<Guid>();
        var batch = new StorageBatch();
        for (var i = 0; i < 1200; i++)
        {
            // The oldest bans are the active ones: long bans of repeat offenders.
            var longBan = i < 5;
            var ban = Some.Ban(
                NetAddress.FromV4(0xCB00_7100u + (uint)(i % 250)),
                Now.AddDays(-30).AddMinutes(i),
                longBan ? TimeSpan.FromDays(365) : TimeSpan.FromMinutes(10));
            if (longBan)
            {
                active.Add(ban.Id);
            }

            batch.Bans.Add(ban);
        }

        await store.WriteBatchAsync(batch);

        var result = await store.PruneAsync(new RetentionOptions { MaxBanHistory = 1000 }, Now);

        Assert.Equal(195, result.Bans);
        Assert.Equal(active, (await store.ListActiveBansAsync(Now)).Select(b => b.Ban.Id));
    }

    [Fact]
    public async Task Pruning_an_already_pruned_database_deletes_nothing()
    {
        using var store = _db.OpenStore();
        await store.AddEventsAsync([Some.Event(Some.Address(1), Now.AddDays(-30))]);
        var retention = new RetentionOptions();

        var first = await store.PruneAsync(retention, Now);
        var second = await store.PruneAsync(retention, Now);

        Assert.Equal(1, first.Total);
        Assert.Equal(0, second.Total);
    }
}
