using PortVeil.Core;
using PortVeil.Storage.Migrations;
using PortVeil.Storage.Sqlite;
using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Sqlite;

public sealed class SqliteStoreAllowTests : StoreAllowTests
{
    private readonly TempDatabase _db;

    public SqliteStoreAllowTests()
        : this(new TempDatabase())
    {
    }

    private SqliteStoreAllowTests(TempDatabase db)
        : base(db) => _db = db;

    [Fact]
    public async Task A_version_2_database_gains_the_allow_table_and_keeps_its_bans()
    {
        var ban = Some.Ban(Some.Address(), Some.T0, TimeSpan.FromDays(2));
        using (var v2 = SqliteStore.Open(_db.Options(), SchemaMigrations.All, targetVersion: 2))
        {
            Assert.Equal(2, v2.SchemaVersion);
            await v2.RecordBanAsync(ban);
        }

        using var latest = _db.Open();

        Assert.Equal(SchemaMigrations.Latest, latest.SchemaVersion);
        Assert.Equal(ban, (await latest.FindBanAsync(ban.Id))!.Ban);
        Assert.True(await latest.AddAllowAsync(Entry("192.0.2.1", 32, null, Some.T0)));
    }
}
