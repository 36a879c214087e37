using Npgsql;
using PortVeil.Storage.Postgres;
using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests.Postgres;

/// <summary>One database in the shared test cluster; dropped on Dispose.</summary>
public sealed class PostgresTestDatabase(PostgresCluster cluster, string name) : ITestDatabase
{
    public string Name { get; } = name;

    public PostgresStoreOptions Options => new() { ConnectionString = cluster.ConnectionString(Name) };

    public PostgresStore Open() => PostgresStore.Open(Options);

    public IPortVeilStore OpenStore() => Open();

    public int Execute(string sql)
    {
        using var c = Connect();
        using var cmd = new NpgsqlCommand(sql, c);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>A plain connection of the test's own, outside the store.</summary>
    public NpgsqlConnection Connect()
    {
        var c = new NpgsqlConnection(cluster.ConnectionString(Name) + ";Pooling=false");
        c.Open();
        return c;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        cluster.Sql("postgres", $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}
