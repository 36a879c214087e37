using Microsoft.Data.Sqlite;

namespace PortVeil.Storage.Sqlite;

/// <summary>Turns SQLite's error codes into messages that name the file and say what to do.</summary>
internal static class SqliteErrors
{
    // Primary result codes, https://sqlite.org/rescode.html
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoErr = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteTooBig = 18;
    private const int SqliteConstraint = 19;
    private const int SqliteMismatch = 20;
    private const int SqliteRange = 25;
    private const int SqliteNotADb = 26;
    private const int SqlitePerm = 3;

    /// <summary>
    /// An I/O error on a file that can no longer be opened for writing is a read-only database, not a failing disk:
    /// pooled connections keep their descriptors, so a file made immutable or a file system remounted read-only shows
    /// up as SQLITE_IOERR (EPERM, EROFS) on the next write instead of SQLITE_READONLY.
    /// </summary>
    private static bool IsWritable(string path)
    {
        foreach (var file in (ReadOnlySpan<string>)[path, path + "-wal"])
        {
            try
            {
                if (File.Exists(file))
                {
                    using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// SQLite reports a full disk as SQLITE_FULL only when a write to the database or its WAL fails; creating the
    /// 32 KB -shm file at open on a full disk comes back as SQLITE_IOERR. Less than 64 KB free is a full disk.
    /// </summary>
    private static bool IsFull(string directory)
    {
        try
        {
            return new DriveInfo(directory).AvailableFreeSpace < 64 * 1024;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static StorageException Translate(SqliteException ex, string path, int busyTimeoutMs)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? "/";
        var sqlite = $"SQLite error {ex.SqliteErrorCode}: {ex.Message}";
        return ex.SqliteErrorCode switch
        {
            SqliteCorrupt or SqliteNotADb => new StorageException(
                StorageErrorKind.Corrupt,
                path,
                $"The PortVeil database '{path}' is corrupt or is not a SQLite database ({sqlite}). PortVeil has not changed it. " +
                $"Stop PortVeil, move it aside with its -wal and -shm files (for example: mv '{path}' '{path}.corrupt'), and start " +
                "PortVeil again to create a new empty database, or restore a backup. Kernel bans keep working meanwhile.",
                ex),
            SqliteReadOnly or SqlitePerm => new StorageException(
                StorageErrorKind.ReadOnly,
                path,
                $"The PortVeil database '{path}' is read-only ({sqlite}). PortVeil must be able to write the file and its directory " +
                $"'{dir}': check that the file system is mounted read-write, that both belong to the user PortVeil runs as (file 0600, " +
                "directory 0700), and that the systemd unit lists the directory in ReadWritePaths=.",
                ex),
            SqliteFull => new StorageException(
                StorageErrorKind.DiskFull,
                path,
                $"The disk holding the PortVeil database '{path}' is full ({sqlite}). Free space on that file system, or lower the " +
                "retention settings (storage.retention.*) so older rows are pruned. Events are buffered in memory within bounds until then.",
                ex),
            SqliteCantOpen => new StorageException(
                StorageErrorKind.CannotOpen,
                path,
                $"Cannot open the PortVeil database '{path}' ({sqlite}). Check that the directory '{dir}' exists and that the user " +
                "PortVeil runs as can read and write it, or set storage.path to a writable location.",
                ex),
            SqliteBusy or SqliteLocked => new StorageException(
                StorageErrorKind.Busy,
                path,
                $"The PortVeil database '{path}' stayed locked by another connection for more than {busyTimeoutMs} ms ({sqlite}). " +
                "Another process holds a write transaction on it (a second PortVeil, or a sqlite3 shell or backup left open): close it.",
                ex),
            SqliteIoErr when IsFull(dir) => new StorageException(
                StorageErrorKind.DiskFull,
                path,
                $"The disk holding the PortVeil database '{path}' is full ({sqlite}; less than 64 KB free in '{dir}'). Free space on that " +
                "file system, or lower the retention settings (storage.retention.*) so older rows are pruned. Events are buffered in memory within bounds until then.",
                ex),
            SqliteIoErr when !IsWritable(path) => new StorageException(
                StorageErrorKind.ReadOnly,
                path,
                $"The PortVeil database '{path}' (or its -wal file) cannot be written any more ({sqlite}): it was made read-only or " +
                $"immutable (lsattr '{path}'), or its file system was remounted read-only. Make it writable again (chattr -i, mount -o remount,rw); " +
                "buffered bans and incidents are written once it is.",
                ex),
            SqliteIoErr => new StorageException(
                StorageErrorKind.IoError,
                path,
                $"Reading or writing the PortVeil database '{path}' failed with an I/O error ({sqlite}). Check the disk and the kernel log " +
                "(dmesg); if the file was moved or deleted while PortVeil ran, restart PortVeil.",
                ex),
            SqliteConstraint or SqliteMismatch or SqliteTooBig or SqliteRange => new StorageException(
                StorageErrorKind.Rejected,
                path,
                $"The PortVeil database '{path}' refused a record ({sqlite}). This is a bug in PortVeil; the record was set aside.",
                ex),
            _ => new StorageException(StorageErrorKind.Other, path, $"The PortVeil database '{path}' failed: {sqlite}.", ex),
        };
    }
}
