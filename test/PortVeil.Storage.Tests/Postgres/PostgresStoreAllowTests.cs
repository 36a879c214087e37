using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreAllowTests(PostgresClusterFixture cluster) : StoreAllowTests(cluster.NewDatabase());
