using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Fleet;

/// <summary>A throwaway PostgreSQL cluster for the fleet tests (reached over loopback; only sensors and enforcers live in the lab namespaces).</summary>
public sealed class FleetClusterFixture : IDisposable
{
    public PostgresCluster Cluster { get; } = PostgresCluster.Start();

    public void Dispose() => Cluster.Dispose();
}
