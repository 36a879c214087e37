using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Sqlite;

public sealed class SqliteStoreBanTests() : StoreBanTests(new TempDatabase());
