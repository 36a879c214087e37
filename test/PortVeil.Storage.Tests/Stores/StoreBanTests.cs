using PortVeil.Core;

namespace PortVeil.Storage.Tests.Stores;

/// <summary>Ban behaviours every backend must show; run by SqliteStoreBanTests and PostgresStoreBanTests.</summary>
public abstract class StoreBanTests(ITestDatabase db) : IDisposable
{
    private readonly ITestDatabase _db = db;

    public void Dispose()
    {
        _db.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_recorded_ban_reads_back_with_every_field()
    {
        using var store = _db.OpenStore();
        var ban = Some.Ban(Some.Address(), Some.T0, TimeSpan.FromHours(1), level: 2) with { DryRun = true, Scan = ScanKind.Xmas, Tool = ScannerTool.Masscan };

        await store.RecordBanAsync(ban);
        var found = await store.FindBanAsync(ban.Id);

        Assert.NotNull(found);
        Assert.Equal(ban, found.Ban);
        Assert.Null(found.EndedAt);
        Assert.True(found.IsActiveAt(Some.T0.AddMinutes(30)));
    }

    [Fact]
    public async Task Prefix_bans_and_manual_bans_without_a_detector_round_trip()
    {
        using var store = _db.OpenStore();
        var subnet = Some.Ban(Some.Address(), Some.T0, TimeSpan.FromHours(1)) with
        {
            Target = new BanTarget(NetAddress.Parse("2001:db8:1:2:3:4:5:6"), 64),
            Detector = null,
            Reason = "manual: portveil bans add",
        };

        await store.RecordBanAsync(subnet);
        var found = await store.FindBanAsync(subnet.Id);

        Assert.NotNull(found);
        Assert.Equal("2001:db8:1:2::/64", found.Ban.Target.ToString());
        Assert.Null(found.Ban.Detector);
        Assert.Equal(subnet, found.Ban);
    }

    [Fact]
    public async Task Recording_the_same_ban_twice_keeps_one_row()
    {
        using var store = _db.OpenStore();
        var ban = Some.Ban(Some.Address(), Some.T0, TimeSpan.FromHours(1));

        await store.RecordBanAsync(ban);
        await store.RecordBanAsync(ban with { Reason = "retried" });

        var history = await store.ListBanHistoryAsync(ban.Target);
        Assert.Single(history);
        Assert.Equal(ban.Reason, history[0].Ban.Reason);
    }

    [Fact]
    public async Task Active_list_holds_only_bans_not_ended_and_not_expired()
    {
        using var store = _db.OpenStore();
        var now = Some.T0.AddHours(2);
        var active = Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(5));
        var expired = Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1));
        var unbanned = Some.Ban(Some.Address(3), Some.T0, TimeSpan.FromHours(5));
        foreach (var b in new[] { active, expired, unbanned })
        {
            await store.RecordBanAsync(b);
        }

        Assert.True(await store.EndBanAsync(new BanEnd(unbanned.Id, BanEndReason.Unbanned, Some.T0.AddHours(1))));
        Assert.False(await store.EndBanAsync(new BanEnd(unbanned.Id, BanEndReason.Unbanned, Some.T0.AddHours(1.5))));

        var list = await store.ListActiveBansAsync(now);
        Assert.Equal([active.Id], list.Select(b => b.Ban.Id));

        var ended = await store.FindBanAsync(unbanned.Id);
        Assert.Equal(BanEndReason.Unbanned, ended!.EndReason);
        Assert.Equal(Some.T0.AddHours(1), ended.EndedAt);
    }

    [Fact]
    public async Task Expiring_marks_only_bans_past_their_time()
    {
        using var store = _db.OpenStore();
        var shortBan = Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromMinutes(10));
        var longBan = Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(10));
        await store.RecordBanAsync(shortBan);
        await store.RecordBanAsync(longBan);

        Assert.Equal(1, await store.ExpireBansAsync(Some.T0.AddHours(1)));

        var s = await store.FindBanAsync(shortBan.Id);
        Assert.Equal(BanEndReason.Expired, s!.EndReason);
        Assert.Equal(shortBan.ExpiresAt, s.EndedAt);
        Assert.Null((await store.FindBanAsync(longBan.Id))!.EndedAt);
    }

    [Fact]
    public async Task History_lists_one_targets_bans_newest_first()
    {
        using var store = _db.OpenStore();
        var scanner = Some.Address(9);
        for (var i = 0; i < 4; i++)
        {
            await store.RecordBanAsync(Some.Ban(scanner, Some.T0.AddDays(i), TimeSpan.FromHours(1), level: i));
        }

        await store.RecordBanAsync(Some.Ban(Some.Address(10), Some.T0, TimeSpan.FromHours(1)));

        var history = await store.ListBanHistoryAsync(BanTarget.ForAddress(scanner), limit: 3);

        Assert.Equal([3, 2, 1], history.Select(h => h.Ban.EscalationLevel));
        Assert.All(history, h => Assert.Equal(scanner, h.Ban.Target.Address));
    }

    [Fact]
    public async Task Escalation_count_covers_the_look_back_only_and_skips_dry_runs_unless_asked()
    {
        using var store = _db.OpenStore();
        var scanner = BanTarget.ForAddress(Some.Address(5));
        await store.RecordBanAsync(Some.Ban(scanner.Address, Some.T0.AddDays(-10), TimeSpan.FromHours(1)));
        await store.RecordBanAsync(Some.Ban(scanner.Address, Some.T0.AddDays(-3), TimeSpan.FromHours(1)));
        await store.RecordBanAsync(Some.Ban(scanner.Address, Some.T0.AddDays(-1), TimeSpan.FromHours(2)));
        await store.RecordBanAsync(Some.Ban(scanner.Address, Some.T0.AddHours(-5), TimeSpan.FromHours(1), dryRun: true));
        await store.RecordBanAsync(Some.Ban(Some.Address(6), Some.T0.AddDays(-1), TimeSpan.FromHours(1)));

        var lookBack = Some.T0.AddDays(-7);
        Assert.Equal(2, await store.CountBansSinceAsync(scanner, lookBack));
        Assert.Equal(3, await store.CountBansSinceAsync(scanner, lookBack, includeDryRun: true));
        Assert.Equal(4, await store.CountBansSinceAsync(scanner, Some.T0.AddDays(-30), includeDryRun: true));
        Assert.Equal(0, await store.CountBansSinceAsync(new BanTarget(scanner.Address, 24), lookBack));
    }

    [Fact]
    public async Task Active_bans_survive_closing_and_reopening_the_database()
    {
        var ban = Some.Ban(NetAddress.Parse("2001:db8::66"), Some.T0, TimeSpan.FromDays(1));
        using (var store = _db.OpenStore())
        {
            await store.RecordBanAsync(ban);
        }

        using var reopened = _db.OpenStore();
        var active = await reopened.ListActiveBansAsync(Some.T0.AddHours(1));
        Assert.Equal(ban, Assert.Single(active).Ban);
    }
}
