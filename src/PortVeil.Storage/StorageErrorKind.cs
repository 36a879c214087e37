namespace PortVeil.Storage;

/// <summary>What went wrong with storage, so callers can tell an outage from a bad record.</summary>
public enum StorageErrorKind
{
    Other = 0,

    /// <summary>Another connection held the lock longer than the busy timeout.</summary>
    Busy,

    ReadOnly,

    /// <summary>The file is not a SQLite database, or its pages are damaged.</summary>
    Corrupt,

    DiskFull,

    /// <summary>The file or its directory cannot be opened (missing, permissions).</summary>
    CannotOpen,

    IoError,

    /// <summary>The database was written by a newer PortVeil (its schema version is above ours).</summary>
    NewerSchema,

    /// <summary>The database refused this record (constraint, type, size): retrying it cannot help.</summary>
    Rejected,
}
