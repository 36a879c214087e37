using PortVeil.Core;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Pipeline;

/// <summary>Issue 7: after a kill -9, a ban that reached the kernel but not the database is recorded at the next start (real SQLite).</summary>
public sealed class KernelBanRecoveryTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"pv-recovery-{Guid.NewGuid():N}");
    private readonly SqliteStore _store;

    public KernelBanRecoveryTests()
    {
        Directory.CreateDirectory(_directory);
        _store = SqliteStore.Open(new SqliteStoreOptions { Path = Path.Combine(_directory, "r.db") });
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static ActiveBan Kernel(string address, TimeSpan remaining, bool reflex = false, bool restricted = false) =>
        new(SourceKey.ForAddress(NetAddress.Parse(address)), TimeSpan.FromHours(1), remaining, 0, 0, reflex, restricted);

    private static BanRecord Stored(string address, int prefix, DateTimeOffset started, TimeSpan duration) =>
        Some.Ban(NetAddress.Parse(address), started, duration) with { Target = new BanTarget(NetAddress.Parse(address), prefix) };

    [Fact]
    public async Task A_24_element_without_a_record_is_recovered_as_a_24_and_a_stored_24_covers_it()
    {
        var element = new ActiveBan(SourceKey.ForPrefix24(NetAddress.Parse("198.51.100.0")), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(500), 0, 0);

        var found = await KernelBanRecovery.FindUnrecordedAsync(_store, [element], "lab", Now, CancellationToken.None);

        Assert.Equal("198.51.100.0/24", Assert.Single(found).Target.ToString());
        await _store.RecordBanAsync(Stored("198.51.100.0", 24, Now, TimeSpan.FromMinutes(10)));
        Assert.Empty(await KernelBanRecovery.FindUnrecordedAsync(_store, [element], "lab", Now, CancellationToken.None));
    }

    [Fact]
    public async Task A_kernel_ban_without_a_record_gets_one_that_expires_with_the_kernel_element()
    {
        var found = await KernelBanRecovery.FindUnrecordedAsync(_store, [Kernel("198.51.100.101", TimeSpan.FromSeconds(3540))], "lab", Now, CancellationToken.None);

        var record = Assert.Single(found);
        Assert.Equal("198.51.100.101", record.Target.ToString());
        Assert.Equal(Now, record.StartedAt);
        Assert.Equal(Now + TimeSpan.FromSeconds(3540), record.ExpiresAt);
        Assert.Equal("lab", record.OriginHost);
        Assert.False(RestrictionRecords.IsRestriction(record.Reason));
        Assert.Contains("recovered from the kernel", record.Reason, StringComparison.Ordinal);

        // Written, it is an active ban the daemon restores and escalation counts.
        await _store.RecordBanAsync(record);
        var active = Assert.Single(await _store.ListActiveBansAsync(Now));
        Assert.Equal(record.Id, active.Ban.Id);
    }

    [Fact]
    public async Task Kernel_bans_covered_by_an_active_record_or_its_subnet_are_not_recorded_twice()
    {
        await _store.RecordBanAsync(Stored("198.51.100.101", 32, Now.AddMinutes(-1), TimeSpan.FromHours(1)));
        await _store.RecordBanAsync(Stored("203.0.113.0", 24, Now.AddMinutes(-1), TimeSpan.FromHours(1)));
        await _store.RecordBanAsync(Stored("2001:db8:10::", 64, Now.AddMinutes(-1), TimeSpan.FromHours(1)));
        ActiveBan[] kernel =
        [
            Kernel("198.51.100.101", TimeSpan.FromMinutes(59)),
            Kernel("203.0.113.7", TimeSpan.FromMinutes(59)),
            new(SourceKey.ForPrefix64(NetAddress.Parse("2001:db8:10::")), TimeSpan.FromHours(1), TimeSpan.FromMinutes(59), 0, 0),
            Kernel("198.51.100.102", TimeSpan.FromMinutes(30)),
        ];

        var found = await KernelBanRecovery.FindUnrecordedAsync(_store, kernel, "lab", Now, CancellationToken.None);

        Assert.Equal("198.51.100.102", Assert.Single(found).Target.ToString());
    }

    [Fact]
    public async Task Reflex_bans_and_expired_elements_are_not_recorded_and_a_record_that_has_expired_does_not_count()
    {
        // An old ban of the same address, already over: the element in the kernel is a newer ban.
        await _store.RecordBanAsync(Stored("198.51.100.103", 32, Now.AddHours(-3), TimeSpan.FromHours(1)));
        ActiveBan[] kernel =
        [
            Kernel("198.51.100.101", TimeSpan.FromMinutes(59), reflex: true),
            Kernel("198.51.100.102", TimeSpan.Zero),
            Kernel("198.51.100.103", TimeSpan.FromMinutes(10)),
        ];

        var found = await KernelBanRecovery.FindUnrecordedAsync(_store, kernel, "lab", Now, CancellationToken.None);

        Assert.Equal("198.51.100.103", Assert.Single(found).Target.ToString());
    }

    [Fact]
    public async Task A_restriction_is_recovered_as_a_restriction_and_an_operators_unban_is_not_undone()
    {
        var unbanned = Stored("198.51.100.104", 32, Now.AddMinutes(-5), TimeSpan.FromHours(1));
        await _store.RecordBanAsync(unbanned);
        await _store.EndBanAsync(new BanEnd(unbanned.Id, BanEndReason.Unbanned, Now.AddMinutes(-1)));
        ActiveBan[] kernel =
        [
            Kernel("198.51.100.201", TimeSpan.FromMinutes(20), restricted: true),
            Kernel("198.51.100.104", TimeSpan.FromMinutes(50)),
        ];

        var found = await KernelBanRecovery.FindUnrecordedAsync(_store, kernel, "lab", Now, CancellationToken.None);

        var restriction = Assert.Single(found);
        Assert.Equal("198.51.100.201", restriction.Target.ToString());
        Assert.True(RestrictionRecords.IsRestriction(restriction.Reason));
    }

    [Fact]
    public async Task A_kernel_element_outliving_its_just_expired_record_by_the_rounding_second_is_not_recorded_again()
    {
        // Decided 4 s ago for 4 s: the record has expired, the kernel (timeout rounded up) still lists 1 s.
        await _store.RecordBanAsync(Stored("198.51.100.105", 32, Now.AddSeconds(-4), TimeSpan.FromSeconds(4)));

        var found = await KernelBanRecovery.FindUnrecordedAsync(_store, [Kernel("198.51.100.105", TimeSpan.FromSeconds(1))], "lab", Now, CancellationToken.None);

        Assert.Empty(found);
    }

    [Fact]
    public async Task On_a_shared_database_an_imported_ban_whose_row_its_origin_ended_early_is_not_recorded_as_this_hosts()
    {
        // Host A's latest row of the address ended (superseded) and its expiry does not explain the element, which
        // holds 50 min from an earlier import: nothing active covers it, and the tolerance check does not match.
        var imported = Stored("198.51.100.106", 32, Now.AddMinutes(-55), TimeSpan.FromHours(1)) with { OriginHost = "host-a" };
        await _store.RecordBanAsync(imported);
        await _store.EndBanAsync(new BanEnd(imported.Id, BanEndReason.Superseded, Now.AddMinutes(-1)));
        var element = Kernel("198.51.100.106", TimeSpan.FromMinutes(50));

        var plan = await KernelBanRecovery.PlanAsync(_store, [element], "lab", Now, sharedDatabase: true, CancellationToken.None);

        Assert.Empty(plan.Records);
        Assert.Empty(plan.Lifted);
        var (kept, record) = Assert.Single(plan.Foreign);
        Assert.Equal(element, kept);
        Assert.Equal("host-a", record.Ban.OriginHost);

        // One host's own database (no fleet): the same element counts as this host's lost ban, as before; on a fleet
        // that would have announced host A's ban again as this host's.
        Assert.Single(await KernelBanRecovery.FindUnrecordedAsync(_store, [element], "lab", Now, CancellationToken.None));
    }

    [Fact]
    public async Task On_a_shared_database_an_imported_ban_an_operator_lifted_on_its_origin_is_to_be_removed_and_own_lost_bans_are_still_recorded()
    {
        var imported = Stored("198.51.100.107", 32, Now.AddMinutes(-5), TimeSpan.FromHours(1)) with { OriginHost = "host-a" };
        await _store.RecordBanAsync(imported);
        await _store.EndBanAsync(new BanEnd(imported.Id, BanEndReason.Unbanned, Now.AddMinutes(-1)));
        ActiveBan[] kernel = [Kernel("198.51.100.107", TimeSpan.FromMinutes(55)), Kernel("198.51.100.108", TimeSpan.FromMinutes(30))];

        var plan = await KernelBanRecovery.PlanAsync(_store, kernel, "lab", Now, sharedDatabase: true, CancellationToken.None);

        Assert.Equal("198.51.100.107", Assert.Single(plan.Lifted).Element.Source.ToString());
        var own = Assert.Single(plan.Records);
        Assert.Equal(("198.51.100.108", "lab"), (own.Target.ToString(), own.OriginHost));
        Assert.Empty(plan.Foreign);
    }
}
