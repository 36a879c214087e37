using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests.Postgres;

/// <summary>One throwaway PostgreSQL cluster for every PostgreSQL test class of this assembly; each test gets its own database.</summary>
public sealed class PostgresClusterFixture : IDisposable
{
    public PostgresClusterFixture() => Cluster = PostgresCluster.Start();

    public PostgresCluster Cluster { get; }

    /// <summary>A new empty database (one per test: the store tests expect an empty database, as a new SQLite file is).</summary>
    public PostgresTestDatabase NewDatabase() => new(Cluster, Cluster.CreateDatabase("pvtest"));

    public void Dispose() => Cluster.Dispose();
}
