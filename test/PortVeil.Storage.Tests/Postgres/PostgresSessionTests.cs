using Npgsql;
using PortVeil.Storage.Postgres;
using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests.Postgres;

/// <summary>
/// FindOtherSessionsNamedAsync: what the fleet's duplicate-host-name check asks of pg_stat_activity, against the real
/// test cluster (sessions of real listeners and plain connections, a second database, an unprivileged role).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSessionTests(PostgresClusterFixture cluster) : IDisposable
{
    private readonly PostgresTestDatabase _db = cluster.NewDatabase();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_running_fleet_listener_named_like_this_host_is_found_with_its_address_and_start()
    {
        using var store = _db.Open();
        var listener = new PostgresBanListener(store, "portveil fleet X");
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => listener.RunAsync(stop.Token));
        try
        {
            await Eventually.TrueAsync(() => listener.Listening, "the listener connects");

            var found = Assert.Single(await store.FindOtherSessionsNamedAsync("portveil fleet X"));

            Assert.Equal("portveil fleet X", found.ApplicationName);
            Assert.Equal("postgres", found.Role);
            Assert.Equal(PostgresCluster.Host, found.ClientAddress);
            Assert.NotNull(found.StartedAt);
            Assert.InRange(found.StartedAt.Value, DateTimeOffset.UtcNow - TestTimeouts.Event, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5));
            var listenerPid = cluster.Cluster.Sql(_db.Name, "SELECT pid FROM pg_stat_activity WHERE application_name = 'portveil fleet X'");
            Assert.Equal(listenerPid, found.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task The_asking_session_itself_and_sessions_of_other_names_are_not_found()
    {
        using var store = _db.Open();
        await using var y = ConnectAs(_db.Name, "portveil fleet Y");
        await using var plain = ConnectAs(_db.Name, "portveil X"); // the daemon's store connections of host X

        // The query runs in a session named "portveil fleet X" itself: it must not count that one.
        Assert.Empty(await store.FindOtherSessionsNamedAsync("portveil fleet X"));

        var other = Assert.Single(await store.FindOtherSessionsNamedAsync("portveil fleet Y"));
        Assert.Equal(y.ProcessID, other.Pid);

        // Closed again: nothing of the asking session is left behind to be found by the next host asking.
        Assert.Equal("0", cluster.Cluster.Sql(_db.Name, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'portveil fleet X'"));
    }

    [Fact]
    public async Task A_name_over_63_bytes_is_compared_as_postgresql_stores_it_clipped()
    {
        using var store = _db.Open();
        var name = "portveil fleet " + new string('h', 64); // a 64-character machine name: 79 bytes
        await using var other = ConnectAs(_db.Name, name);

        var found = Assert.Single(await store.FindOtherSessionsNamedAsync(name));

        Assert.Equal(name[..63], found.ApplicationName);
        Assert.Equal(other.ProcessID, found.Pid);
    }

    [Fact]
    public async Task A_session_of_the_same_name_on_another_database_of_the_server_is_not_counted()
    {
        using var store = _db.Open();
        var otherDatabase = cluster.Cluster.CreateDatabase("pvother");
        try
        {
            await using (ConnectAs(otherDatabase, "portveil fleet X"))
            {
                Assert.Empty(await store.FindOtherSessionsNamedAsync("portveil fleet X"));
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            cluster.Cluster.Sql("postgres", $"DROP DATABASE IF EXISTS {otherDatabase} WITH (FORCE)");
        }
    }

    [Fact]
    public async Task A_role_without_statistics_privileges_still_finds_the_session_without_its_address_and_start()
    {
        using (_db.Open())
        {
            // The schema exists; the plain role may use it (as a fleet host's own role would).
        }

        cluster.Cluster.Sql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pv_plain') THEN CREATE ROLE pv_plain LOGIN NOSUPERUSER; END IF; END $$");
        cluster.Cluster.Sql(_db.Name, "GRANT USAGE, CREATE ON SCHEMA public TO pv_plain; GRANT SELECT ON schema_version TO pv_plain");
        using var plain = PostgresStore.Open(new PostgresStoreOptions { ConnectionString = cluster.Cluster.ConnectionString(_db.Name, "pv_plain") });
        await using var other = ConnectAs(_db.Name, "portveil fleet X"); // as postgres: another role's session

        var found = Assert.Single(await plain.FindOtherSessionsNamedAsync("portveil fleet X"));

        Assert.Equal((other.ProcessID, "portveil fleet X", "postgres"), (found.Pid, found.ApplicationName, found.Role));
        Assert.Null(found.ClientAddress);
        Assert.Null(found.StartedAt);
    }

    private NpgsqlConnection ConnectAs(string database, string applicationName)
    {
        var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.Cluster.ConnectionString(database)) { Pooling = false, ApplicationName = applicationName }.ConnectionString);
        c.Open();
        return c;
    }
}
