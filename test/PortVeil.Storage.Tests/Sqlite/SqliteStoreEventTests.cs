using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Sqlite;

public sealed class SqliteStoreEventTests() : StoreEventTests(new TempDatabase());
