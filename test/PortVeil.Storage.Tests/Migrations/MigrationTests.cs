using Microsoft.Data.Sqlite;
using PortVeil.Storage.Migrations;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Storage.Tests.Migrations;

public sealed class MigrationTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void A_new_database_gets_every_migration_once()
    {
        using var store = _db.Open();

        Assert.Equal(SchemaMigrations.Latest, store.SchemaVersion);
        Assert.Equal(SchemaMigrations.All.Select(m => (long)m.Version), Versions());
        Assert.Equal(["allow_entries", "bans", "event_minutes", "fleet_imports", "incidents", "schema_version"], Tables());
    }

    [Fact]
    public void An_existing_empty_file_is_migrated()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        File.WriteAllBytes(_db.Path, []);

        using var store = _db.Open();

        Assert.Equal(SchemaMigrations.Latest, store.SchemaVersion);
    }

    [Fact]
    public void Opening_again_applies_nothing_twice()
    {
        _db.Open().Dispose();
        var before = Versions();

        using var store = _db.Open();

        Assert.Equal(before, Versions());
        Assert.Equal(SchemaMigrations.Latest, store.SchemaVersion);
    }

    [Fact]
    public async Task A_version_1_database_with_data_upgrades_to_latest_and_keeps_its_rows()
    {
        var ban = Some.Ban(Some.Address(), Some.T0, TimeSpan.FromDays(2));
        var incident = Some.Incident(Some.Address(), Some.T0, ban.Id);
        using (var v1 = SqliteStore.Open(_db.Options(), SchemaMigrations.All, targetVersion: 1))
        {
            Assert.Equal(1, v1.SchemaVersion);
            await v1.RecordBanAsync(ban);
            await v1.RecordIncidentAsync(incident);
        }

        Assert.DoesNotContain("event_minutes", Tables());

        using var latest = _db.Open();

        Assert.Equal(SchemaMigrations.Latest, latest.SchemaVersion);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], Versions());
        Assert.Equal(ban, Assert.Single(await latest.ListActiveBansAsync(Some.T0.AddHours(1))).Ban);
        Assert.Equal(incident.Id, Assert.Single(await latest.ListIncidentsByBanAsync(ban.Id)).Id);
        await latest.AddEventsAsync([Some.Event(Some.Address(), Some.T0)]);
        Assert.Single(await latest.ListEventsAsync(Some.T0, Some.T0.AddMinutes(1)));
    }

    [Fact]
    public async Task A_version_4_database_keeps_its_event_rows_when_version_5_adds_the_origin_host()
    {
        using (var v4 = SqliteStore.Open(_db.Options(), SchemaMigrations.All, targetVersion: 4))
        {
            Assert.Equal(4, v4.SchemaVersion);
        }

        using (var c = _db.Connect())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "INSERT INTO event_minutes (source, bucket_ms, protocol, tag, packets, distinct_ports, first_ms, last_ms) VALUES ('203.0.113.7', @b, 6, 1, 4, 2, @b, @b)";
            cmd.Parameters.AddWithValue("@b", Some.T0.ToUnixTimeMilliseconds());
            cmd.ExecuteNonQuery();
        }

        using var latest = _db.Open();
        await latest.AddEventsAsync([Some.Event(Some.Address(), Some.T0, packets: 3) with { OriginHost = "host-a", Ports = "22" }]);

        var rows = await latest.ListEventsAsync(Some.T0, Some.T0.AddMinutes(1));
        Assert.Equal(2, rows.Count);
        Assert.Equal(4, Assert.Single(rows, r => r.OriginHost is null).Packets);
        Assert.Equal(3, Assert.Single(rows, r => r.OriginHost == "host-a").Packets);
    }

    [Fact]
    public void A_database_from_a_newer_portveil_is_refused_unchanged()
    {
        _db.Open().Dispose();
        using (var c = _db.Connect())
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO schema_version (version, name, applied_at_ms) VALUES (99, 'from the future', 0)";
            cmd.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var bytesBefore = File.ReadAllBytes(_db.Path);

        var ex = Assert.Throws<StorageException>(() => _db.Open());

        Assert.Equal(StorageErrorKind.NewerSchema, ex.Kind);
        Assert.Contains(_db.Path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade PortVeil", ex.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(bytesBefore, File.ReadAllBytes(_db.Path));
    }

    [Fact]
    public void Versions_are_consecutive_from_1_and_render_for_both_dialects()
    {
        for (var i = 0; i < SchemaMigrations.All.Count; i++)
        {
            var m = SchemaMigrations.All[i];
            Assert.Equal(i + 1, m.Version);
            Assert.DoesNotContain("{id}", m.Render(SqlDialect.Sqlite), StringComparison.Ordinal);
            var pg = m.Render(SqlDialect.Postgres);
            Assert.DoesNotContain("{id}", pg, StringComparison.Ordinal);
            Assert.DoesNotContain("AUTOINCREMENT", pg, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("GENERATED ALWAYS AS IDENTITY", SchemaMigrations.All[0].Render(SqlDialect.Postgres), StringComparison.Ordinal);
    }

    private List<long> Versions()
    {
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT version FROM schema_version ORDER BY version";
        using var r = cmd.ExecuteReader();
        var list = new List<long>();
        while (r.Read())
        {
            list.Add(r.GetInt64(0));
        }

        return list;
    }

    private List<string> Tables()
    {
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }
}
