using Npgsql;
using PortVeil.Storage.Migrations;
using PortVeil.Storage.Postgres;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests.Postgres;

/// <summary>What only the PostgreSQL backend does: the shared schema, NOTIFY on every ban, the listener's reconnect, the password rule.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSpecificTests(PostgresClusterFixture cluster) : IDisposable
{
    private readonly PostgresTestDatabase _db = cluster.NewDatabase();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void The_one_migration_list_gives_postgresql_the_same_tables_and_columns_as_sqlite()
    {
        using var pg = _db.Open();
        using var sqliteDb = new TempDatabase();
        using var sqlite = sqliteDb.Open();

        Assert.Equal(SchemaMigrations.Latest, pg.SchemaVersion);
        var pgColumns = cluster.Cluster.Sql(_db.Name,
            "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1")
            .Split('\n');
        using var c = sqliteDb.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1";
        var sqliteColumns = new List<string>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                sqliteColumns.Add(r.GetString(0));
            }
        }

        Assert.Equal(sqliteColumns.Order(StringComparer.Ordinal), pgColumns.Order(StringComparer.Ordinal));
        Assert.Equal("1,2,3,4,5", cluster.Cluster.Sql(_db.Name, "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version"));
    }

    [Fact]
    public async Task Hosts_opening_a_new_database_at_the_same_moment_migrate_it_once()
    {
        var opens = Enumerable.Range(0, 4).Select(_ => Task.Run(_db.Open)).ToArray();
        var stores = await Task.WhenAll(opens);
        foreach (var s in stores)
        {
            Assert.Equal(SchemaMigrations.Latest, s.SchemaVersion);
            s.Dispose();
        }

        Assert.Equal("5", cluster.Cluster.Sql(_db.Name, "SELECT count(*) FROM schema_version"));
    }

    [Fact]
    public void A_database_from_a_newer_portveil_is_refused_unchanged()
    {
        using (_db.Open())
        {
        }

        cluster.Cluster.Sql(_db.Name, "INSERT INTO schema_version VALUES (99, 'from the future', 0)");

        var ex = Assert.Throws<StorageException>(() => _db.Open());

        Assert.Equal(StorageErrorKind.NewerSchema, ex.Kind);
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.Contains("postgresql://postgres@127.0.0.1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recorded_ban_is_announced_at_commit_with_its_id_and_a_dry_run_ban_is_not()
    {
        using var store = _db.Open();
        await using var listen = _db.Connect();
        var heard = new List<string>();
        listen.Notification += (_, e) =>
        {
            lock (heard)
            {
                heard.Add(e.Payload);
            }
        };
        await using (var cmd = new NpgsqlCommand("LISTEN " + PostgresStore.BanChannel, listen))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var ban = Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(1));
        var dry = Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1), dryRun: true);
        var batched = Some.Ban(Some.Address(3), Some.T0, TimeSpan.FromHours(1));
        await store.RecordBanAsync(ban);
        await store.RecordBanAsync(ban); // a retry: already there, not announced again
        await store.RecordBanAsync(dry);
        var batch = new StorageBatch();
        batch.Bans.Add(batched);
        await store.WriteBatchAsync(batch);

        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        while (heard.Count < 2 && await listen.WaitAsync(TimeSpan.FromSeconds(1), timeout.Token) is var _ && !timeout.IsCancellationRequested)
        {
        }

        // Give a wrongly announced third one the chance to arrive.
        await listen.WaitAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal([ban.Id.ToString("D"), batched.Id.ToString("D")], heard);
    }

    [Fact]
    public async Task The_listener_reconnects_after_its_connection_is_killed_and_asks_for_a_catch_up()
    {
        using var store = _db.Open();
        var listener = new PostgresBanListener(store, "pv-test-listener");
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => listener.RunAsync(stop.Token));
        try
        {
            Assert.Null((await ReadAsync(listener)).BanId); // connected: catch up

            var first = Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(1));
            await store.RecordBanAsync(first);
            Assert.Equal(first.Id, (await ReadAsync(listener)).BanId);

            cluster.Cluster.Sql(_db.Name, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pv-test-listener'");

            Assert.Null((await ReadAsync(listener)).BanId); // reconnected: catch up on what the gap missed
            Assert.Equal(2, listener.Connects);
            var second = Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1));
            await store.RecordBanAsync(second);
            Assert.Equal(second.Id, (await ReadAsync(listener)).BanId);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public void A_password_in_the_connection_string_is_refused_and_the_password_file_is_read()
    {
        var withPassword = Assert.Throws<StorageException>(() => PostgresStore.Open(new PostgresStoreOptions { ConnectionString = cluster.Cluster.ConnectionString(_db.Name) + ";Password=hunter2" }));
        Assert.Contains("password_file", withPassword.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", withPassword.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<StorageException>(() => PostgresStore.Open(_db.Options with { PasswordFile = "/nonexistent/pv-password" }));
        Assert.Contains("/nonexistent/pv-password", missing.Message, StringComparison.Ordinal);

        // Trust authentication ignores the password; the file is read and the store opens.
        var file = Path.Combine(cluster.Cluster.Directory, "..", $"pv-pw-{Guid.NewGuid():N}");
        File.WriteAllText(file, "s3cret\n");
        try
        {
            using var store = PostgresStore.Open(_db.Options with { PasswordFile = file });
            Assert.DoesNotContain("s3cret", store.Location, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void An_unreachable_server_is_a_clear_cannot_open_error()
    {
        var ex = Assert.Throws<StorageException>(() => PostgresStore.Open(new PostgresStoreOptions { Host = "127.0.0.1", Port = 1, Database = "portveil", Username = "portveil", CommandTimeoutSeconds = 2 }));

        Assert.Equal(StorageErrorKind.CannotOpen, ex.Kind);
        Assert.Contains("postgresql://portveil@127.0.0.1:1/portveil", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.IsTransient);
    }

    private static async Task<BanSignal> ReadAsync(PostgresBanListener listener)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        return await listener.Signals.ReadAsync(timeout.Token);
    }
}
