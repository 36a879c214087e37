namespace PortVeil.Storage;

/// <summary>
/// Everything the daemon, the CLI and the API need from a database, whichever backend holds it
/// (<see cref="Sqlite.SqliteStore"/> on one host, <see cref="Postgres.PostgresStore"/> for a fleet).
/// </summary>
public interface IPortVeilStore : IBanStore, IIncidentStore, IEventStore, IAllowStore, IFleetStore, IStorageBatchWriter, IStorePruner, IDisposable
{
    /// <summary>Which backend this is.</summary>
    StorageBackend Backend { get; }

    /// <summary>Where the data is, for messages: the SQLite file, or host/database of PostgreSQL (never a password).</summary>
    string Location { get; }

    /// <summary>Schema version after migrations.</summary>
    int SchemaVersion { get; }
}
