using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PortVeil.Storage.Migrations;

namespace PortVeil.Storage.Sqlite;

/// <summary>
/// PortVeil's storage in one SQLite file: bans, incidents and per-minute event aggregates. WAL mode (readers
/// never wait for the writer), synchronous=NORMAL (a commit survives a process crash; an OS crash may lose the
/// last commits but never corrupts the file), pooled connections, parameterised SQL only.
/// </summary>
/// <remarks>
/// Thread-safe: every call takes a pooled connection of its own. Microsoft.Data.Sqlite's async methods run
/// synchronously, so the methods here do the same and return completed tasks; <see cref="EventWriter"/> calls
/// them from its own background loop, never from a producer.
/// </remarks>
public sealed partial class SqliteStore : IPortVeilStore
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly int _busyTimeoutMs;

    private SqliteStore(string path, int busyTimeoutMs)
    {
        DatabasePath = path;
        _busyTimeoutMs = busyTimeoutMs;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            // Never create: PrepareFile makes the file (with its mode) before the first open, and a file deleted
            // while PortVeil runs must fail loudly instead of coming back empty without a schema.
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,

            // Microsoft.Data.Sqlite retries SQLITE_BUSY itself until the command timeout (whole seconds); keep
            // it no longer than the busy timeout so a held lock surfaces as an error instead of a long stall.
            DefaultTimeout = Math.Max(1, (busyTimeoutMs + 999) / 1000),
        }.ToString();

        // Per connection (pooled connections keep them, but a new native connection starts without them).
        // journal_size_limit truncates the WAL back to 64 MB after a checkpoint that followed a large prune.
        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA journal_size_limit = 67108864;");
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    public StorageBackend Backend => StorageBackend.Sqlite;

    /// <summary>The database file (<see cref="DatabasePath"/>).</summary>
    public string Location => DatabasePath;

    /// <summary>Schema version after migrations (<see cref="SchemaMigrations.Latest"/>).</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>The journal mode SQLite reports; "wal" unless the file system cannot share memory maps.</summary>
    public string JournalMode { get; private set; } = string.Empty;

    /// <summary>
    /// Opens (creating when missing) the database, switches it to WAL and applies pending migrations.
    /// Throws <see cref="StorageException"/> for a corrupt, read-only, unreachable or newer database.
    /// </summary>
    public static SqliteStore Open(SqliteStoreOptions options) => Open(options, SchemaMigrations.All, null);

    internal static SqliteStore Open(SqliteStoreOptions options, IReadOnlyList<Migration> migrations, int? targetVersion)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BusyTimeoutMs, 1);

        var path = System.IO.Path.GetFullPath(options.Path);
        PrepareFile(path);
        var store = new SqliteStore(path, options.BusyTimeoutMs);
        try
        {
            using var connection = store.OpenConnection();
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "PRAGMA journal_mode = WAL";
                store.JournalMode = Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
            }

            store.SchemaVersion = MigrationRunner.Apply(connection, path, migrations, targetVersion);
            return store;
        }
        catch (SqliteException ex)
        {
            store.Dispose();
            throw SqliteErrors.Translate(ex, path, options.BusyTimeoutMs);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Closes the pooled connections of this database.</summary>
    public void Dispose() => ClearPool();

    private void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    // The directory is created 0700 (the database shows who scanned and who is allowlisted); an existing directory
    // is left as the operator made it. The file is created 0600 before SQLite opens it, and tightened to 0600 if
    // it exists with a wider mode; SQLite gives the -wal and -shm files the database file's mode.
    private static void PrepareFile(string path)
    {
        try
        {
            var dir = System.IO.Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(dir);
                }
                else
                {
                    Directory.CreateDirectory(dir, DirectoryMode);
                }
            }

            if (Directory.Exists(path))
            {
                throw new StorageException(
                    StorageErrorKind.CannotOpen,
                    path,
                    $"The PortVeil database path '{path}' is a directory. Set storage.path to a file name, for example '{System.IO.Path.Combine(path, "portveil.db")}'.");
            }

            if (OperatingSystem.IsWindows())
            {
                // Development only: PortVeil runs on Linux, where the modes below apply.
            }
            else if (!File.Exists(path))
            {
                using var _ = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = FileMode600,
                });
            }
            else if ((File.GetUnixFileMode(path) & ~FileMode600) != 0)
            {
                File.SetUnixFileMode(path, FileMode600);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(
                StorageErrorKind.CannotOpen,
                path,
                $"Cannot create or open the PortVeil database '{path}' ({ex.Message}). Check that its directory is writable by the user " +
                "PortVeil runs as, or set storage.path to a writable location.",
                ex);
        }
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = _connectionPragmas;
            cmd.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection and translates SQLite's errors.</summary>
    private T Run<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // A pooled connection keeps writing into a deleted file's inode, and nobody would ever read that data.
        // One stat per call (~1 µs, per batch rather than per record) turns that into a clear error instead.
        if (!File.Exists(DatabasePath))
        {
            ClearPool();
            throw new StorageException(
                StorageErrorKind.CannotOpen,
                DatabasePath,
                $"The PortVeil database '{DatabasePath}' was deleted or moved while PortVeil was running. Restore it, or restart " +
                "PortVeil to create a new one (active kernel bans keep working; buffered records are written once it is back).");
        }

        try
        {
            using var connection = OpenConnection();
            return work(connection);
        }
        catch (SqliteException ex)
        {
            var error = SqliteErrors.Translate(ex, DatabasePath, _busyTimeoutMs);
            if (error.Kind is StorageErrorKind.ReadOnly or StorageErrorKind.IoError or StorageErrorKind.CannotOpen)
            {
                // SQLite opens a file it cannot write read-only and a pooled connection stays so: without a fresh
                // connection, a database made writable again (chattr -i, remount rw) would fail forever.
                ClearPool();
            }

            throw error;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or OverflowException)
        {
            throw new StorageException(
                StorageErrorKind.Rejected,
                DatabasePath,
                $"A record for the PortVeil database '{DatabasePath}' could not be encoded or decoded ({ex.Message}).",
                ex);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static long ExecuteCount(SqliteCommand cmd) => Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);

    private static object DbNullable(string? value) => value is null ? DBNull.Value : value;
}
