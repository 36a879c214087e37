using PortVeil.Core;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Pipeline;

public sealed class StoredOffenceHistoryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"pv-offences-{Guid.NewGuid():N}");

    public StoredOffenceHistoryTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static BanRecord Record(string address, string reason, DateTimeOffset at) =>
        Some.Ban(NetAddress.Parse(address), at, TimeSpan.FromHours(1)) with { Reason = reason };

    [Fact]
    public async Task Stored_restrictions_are_not_offences_but_stored_bans_are()
    {
        var now = DateTimeOffset.UtcNow;
        using (var store = SqliteStore.Open(new SqliteStoreOptions { Path = Path.Combine(_directory, "p.db") }))
        {
            await store.RecordBanAsync(Record("198.51.100.201", RestrictionRecords.ReasonPrefix + "198.51.100.201 for 1 h (decoy cohort: …)", now - TimeSpan.FromMinutes(30)));
            await store.RecordBanAsync(Record("198.51.100.101", "ban 198.51.100.101 for 1 h (first offence): syn scan", now - TimeSpan.FromMinutes(30)));
        }

        using var reopened = SqliteStore.Open(new SqliteStoreOptions { Path = Path.Combine(_directory, "p.db") });
        var history = await StoredOffenceHistory.LoadAsync(reopened, now, TimeSpan.FromDays(30), CancellationToken.None);

        Assert.Equal(1, history.Loaded);
        Assert.Equal(0, history.CountOffences(NetPrefix.ForAddress(NetAddress.Parse("198.51.100.201")), now - TimeSpan.FromDays(30)));
        Assert.Equal(1, history.CountOffences(NetPrefix.ForAddress(NetAddress.Parse("198.51.100.101")), now - TimeSpan.FromDays(30)));
    }
}
