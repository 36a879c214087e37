using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreIncidentTests(PostgresClusterFixture cluster) : StoreIncidentTests(cluster.NewDatabase());
