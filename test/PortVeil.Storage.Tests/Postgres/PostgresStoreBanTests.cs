using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreBanTests(PostgresClusterFixture cluster) : StoreBanTests(cluster.NewDatabase());
