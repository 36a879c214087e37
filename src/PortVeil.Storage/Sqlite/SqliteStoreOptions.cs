using System.ComponentModel.DataAnnotations;

namespace PortVeil.Storage.Sqlite;

/// <summary>Where the SQLite database lives and how long a writer waits for a lock.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file. Its directory is created with mode 0700 when missing; the file gets 0600.</summary>
    [Required]
    public string Path { get; set; } = SqliteStoreOptionsDefaults.Path;

    /// <summary>How long a statement waits for another connection's lock before failing with a "busy" error.</summary>
    [Range(1, 600_000)]
    public int BusyTimeoutMs { get; set; } = SqliteStoreOptionsDefaults.BusyTimeoutMs;
}
