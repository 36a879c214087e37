using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreEventTests(PostgresClusterFixture cluster) : StoreEventTests(cluster.NewDatabase());
