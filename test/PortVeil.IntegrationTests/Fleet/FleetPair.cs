using PortVeil.Daemon;
using PortVeil.Daemon.Fleet;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Allowlist;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.Storage;
using PortVeil.Storage.Postgres;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Fleet;

/// <summary>
/// Two protected servers, each in its own lab (namespaces, veth, its own scanner at the same address), with a real
/// daemon each, "host-a" and "host-b", sharing one PostgreSQL database. Host B connects as its own role
/// (host_b), so a test can cut B off the database alone.
/// </summary>
internal sealed class FleetPair : IAsyncDisposable
{
    private FleetPair(PostgresCluster cluster, string database, DaemonLab a, DaemonLab b)
    {
        Cluster = cluster;
        Database = database;
        A = a;
        B = b;
    }

    public PostgresCluster Cluster { get; }

    public string Database { get; }

    public DaemonLab A { get; }

    public DaemonLab B { get; }

    public static FleetPair Create(PostgresCluster cluster)
    {
        var database = cluster.CreateDatabase("pvfleet");
        cluster.Sql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'host_b') THEN CREATE ROLE host_b LOGIN SUPERUSER; END IF; END $$");
        cluster.Sql("postgres", "ALTER ROLE host_b LOGIN");
        var a = new DaemonLab(scanners: 1, clients: 0, 22);
        try
        {
            return new FleetPair(cluster, database, a, new DaemonLab(scanners: 1, clients: 0, 22));
        }
        catch
        {
            a.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public DaemonStages Stages(DaemonLab lab, string host, string user, FleetOptions fleet, params string[] allow)
    {
        var allowlist = new AllowlistOptions();
        foreach (var a in allow)
        {
            allowlist.Static.Add(a);
        }

        return new DaemonStages
        {
            NetworkNamespacePath = Path.Combine("/var/run/netns", lab.Lab.Server.Name),
            StorageBackend = StorageBackend.Postgresql,
            Postgres = new PostgresStoreOptions { ConnectionString = Cluster.ConnectionString(Database, user) },
            Fleet = fleet,
            Allowlist = allowlist,
            HostName = host,
        };
    }

    public async Task StartAsync(int consensus = 1, string[]? allowOnB = null)
    {
        var fleet = new FleetOptions { Enabled = true, Consensus = consensus };
        await A.StartAsync(Stages(A, "host-a", "postgres", fleet));
        await B.StartAsync(Stages(B, "host-b", "host_b", fleet, allowOnB ?? []));
        await WaitUntilAsync(() => A.Daemon!.Fleet!.Listening && B.Daemon!.Fleet!.Listening);
    }

    public static async Task<bool> WaitUntilAsync(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (condition())
            {
                return true;
            }
        }

        return condition();
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        Cluster.Sql("postgres", $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
    }
}
