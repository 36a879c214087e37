using PortVeil.TestSupport;

namespace PortVeil.Cli.Tests.Backends;

/// <summary>One throwaway PostgreSQL cluster (started once, about 2 s) for every CLI test class of the collection; each test gets its own database.</summary>
public sealed class PostgresCliFixture : IDisposable
{
    public PostgresCliFixture() => Cluster = PostgresCluster.Start();

    public PostgresCluster Cluster { get; }

    public void Dispose() => Cluster.Dispose();
}
