using PortVeil.Storage.Postgres;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Storage;

/// <summary>Opens the store the configuration selects ([storage] backend).</summary>
public static class PortVeilStores
{
    /// <summary>Opens and migrates the selected database; throws <see cref="StorageException"/> naming it when it cannot.</summary>
    public static IPortVeilStore Open(StorageBackend backend, SqliteStoreOptions sqlite, PostgresStoreOptions postgres) => backend switch
    {
        StorageBackend.Postgresql => PostgresStore.Open(postgres),
        _ => SqliteStore.Open(sqlite),
    };
}
