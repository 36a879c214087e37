using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreRetentionTests(PostgresClusterFixture cluster) : StoreRetentionTests(cluster.NewDatabase());
