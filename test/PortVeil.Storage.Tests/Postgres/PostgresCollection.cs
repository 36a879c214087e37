namespace PortVeil.Storage.Tests.Postgres;

/// <summary>The PostgreSQL test classes share one cluster (started once, ~2 s) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "postgresql";
}
