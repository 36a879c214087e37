using PortVeil.Core;
using PortVeil.Storage.Migrations;

namespace PortVeil.Storage.Tests.Stores;

/// <summary>Allow behaviours every backend must show; run by SqliteStoreAllowTests and PostgresStoreAllowTests.</summary>
public abstract class StoreAllowTests(ITestDatabase db) : IDisposable
{
    private readonly ITestDatabase _db = db;

    public void Dispose()
    {
        _db.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static AllowRecord Entry(string address, int length, string? comment, DateTimeOffset at) => new()
    {
        Block = new BanTarget(NetAddress.Parse(address), length),
        Comment = comment,
        AddedAt = at,
        OriginHost = "host-a",
    };

    [Fact]
    public async Task Allow_entries_round_trip_oldest_first_with_host_bits_cleared()
    {
        using var store = _db.OpenStore();
        var later = Entry("2001:db8:5::1", 48, null, Some.T0.AddMinutes(1));
        var first = Entry("198.51.100.77", 24, "office network", Some.T0);

        Assert.True(await store.AddAllowAsync(later));
        Assert.True(await store.AddAllowAsync(first));
        var list = await store.ListAllowAsync();

        Assert.Equal(2, list.Count);
        Assert.Equal("198.51.100.0/24", list[0].Block.ToString());
        Assert.Equal("office network", list[0].Comment);
        Assert.Equal(Some.T0, list[0].AddedAt);
        Assert.Equal("2001:db8:5::/48", list[1].Block.ToString());
        Assert.Null(list[1].Comment);
    }

    [Fact]
    public async Task Adding_the_same_block_again_keeps_one_entry_and_replaces_its_comment()
    {
        using var store = _db.OpenStore();
        Assert.True(await store.AddAllowAsync(Entry("192.0.2.9", 32, "old", Some.T0)));

        Assert.False(await store.AddAllowAsync(Entry("192.0.2.9", 32, "new", Some.T0.AddHours(1))));

        var only = Assert.Single(await store.ListAllowAsync());
        Assert.Equal("new", only.Comment);
        Assert.Equal(Some.T0, only.AddedAt);
    }

    [Fact]
    public async Task Removing_needs_the_exact_block_and_reports_whether_it_was_there()
    {
        using var store = _db.OpenStore();
        await store.AddAllowAsync(Entry("192.0.2.0", 24, null, Some.T0));

        Assert.False(await store.RemoveAllowAsync(BanTarget.ForAddress(NetAddress.Parse("192.0.2.1"))));
        Assert.True(await store.RemoveAllowAsync(new BanTarget(NetAddress.Parse("192.0.2.0"), 24)));
        Assert.False(await store.RemoveAllowAsync(new BanTarget(NetAddress.Parse("192.0.2.0"), 24)));
        Assert.Empty(await store.ListAllowAsync());
    }

    [Fact]
    public async Task Bans_ended_since_a_time_are_listed_by_their_end_with_the_reason()
    {
        using var store = _db.OpenStore();
        var early = Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromDays(1));
        var late = Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromDays(1));
        var open = Some.Ban(Some.Address(3), Some.T0, TimeSpan.FromDays(1));
        foreach (var b in new[] { early, late, open })
        {
            await store.RecordBanAsync(b);
        }

        await store.EndBanAsync(new BanEnd(early.Id, BanEndReason.Unbanned, Some.T0.AddMinutes(1)));
        await store.EndBanAsync(new BanEnd(late.Id, BanEndReason.Allowlisted, Some.T0.AddMinutes(10)));

        var ended = await store.ListBansEndedSinceAsync(Some.T0.AddMinutes(5));

        var only = Assert.Single(ended);
        Assert.Equal(late.Id, only.Ban.Id);
        Assert.Equal(BanEndReason.Allowlisted, only.EndReason);
    }
}
