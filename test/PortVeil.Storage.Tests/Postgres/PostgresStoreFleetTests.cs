using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreFleetTests(PostgresClusterFixture cluster) : StoreFleetTests(cluster.NewDatabase());
