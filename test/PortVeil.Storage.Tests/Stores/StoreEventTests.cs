using PortVeil.Core;

namespace PortVeil.Storage.Tests.Stores;

/// <summary>Event behaviours every backend must show; run by SqliteStoreEventTests and PostgresStoreEventTests.</summary>
public abstract class StoreEventTests(ITestDatabase db) : IDisposable
{
    private readonly ITestDatabase _db = db;

    public void Dispose()
    {
        _db.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Aggregates_round_trip_per_source_minute_protocol_and_tag()
    {
        using var store = _db.OpenStore();
        var a = Some.Event(Some.Address(1), Some.T0.AddSeconds(5));
        var b = Some.Event(NetAddress.Parse("2001:db8::1"), Some.T0.AddSeconds(70), packets: 3, ports: 1, tag: PacketTag.Tripwire) with { Protocol = IpProtocol.Udp };

        await store.AddEventsAsync([a, b]);
        var rows = await store.ListEventsAsync(Some.T0, Some.T0.AddMinutes(5));

        Assert.Equal([a, b], rows);
        Assert.Equal(0, a.BucketStartMs % 60_000);
    }

    [Fact]
    public async Task Adding_to_an_existing_bucket_sums_packets_and_widens_first_and_last()
    {
        using var store = _db.OpenStore();
        var src = Some.Address(1);
        var early = Some.Event(src, Some.T0.AddSeconds(10), packets: 100, ports: 40);
        var late = Some.Event(src, Some.T0.AddSeconds(50), packets: 25, ports: 60);
        var otherTag = Some.Event(src, Some.T0.AddSeconds(20), packets: 7, tag: PacketTag.Served);

        await store.AddEventsAsync([early]);
        await store.AddEventsAsync([late, otherTag]);
        var rows = await store.ListEventsAsync(Some.T0, Some.T0.AddMinutes(1), src);

        Assert.Equal(2, rows.Count);
        var merged = rows.Single(r => r.Tag == PacketTag.Unserved);
        Assert.Equal(125, merged.Packets);
        Assert.Equal(60, merged.DistinctPorts);
        Assert.Equal(early.FirstSeenMs, merged.FirstSeenMs);
        Assert.Equal(late.LastSeenMs, merged.LastSeenMs);
        Assert.Equal(7, rows.Single(r => r.Tag == PacketTag.Served).Packets);
    }

    [Fact]
    public async Task Listing_by_source_leaves_other_sources_out()
    {
        using var store = _db.OpenStore();
        await store.AddEventsAsync([Some.Event(Some.Address(1), Some.T0), Some.Event(Some.Address(2), Some.T0)]);

        var rows = await store.ListEventsAsync(Some.T0, Some.T0.AddMinutes(1), Some.Address(2));

        Assert.Equal(Some.Address(2), Assert.Single(rows).Source);
    }

    [Fact]
    public void Buckets_start_on_the_minute_also_before_1970()
    {
        Assert.Equal(120_000, EventAggregate.BucketOf(179_999));
        Assert.Equal(-60_000, EventAggregate.BucketOf(-1));
        Assert.Equal(-60_000, EventAggregate.BucketOf(-60_000));
    }
}
