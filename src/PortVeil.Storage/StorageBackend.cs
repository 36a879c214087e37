namespace PortVeil.Storage;

/// <summary>The database PortVeil keeps its state in ([storage] backend).</summary>
public enum StorageBackend
{
    /// <summary>One file on this host (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, which several hosts of a fleet can share.</summary>
    Postgresql,
}
