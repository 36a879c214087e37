using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Sqlite;

public sealed class SqliteStoreFleetTests() : StoreFleetTests(new TempDatabase());
