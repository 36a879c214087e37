using System.Globalization;
using System.Text.Json;
using Npgsql;
using PortVeil.Storage.Migrations;

namespace PortVeil.Storage.Postgres;

/// <summary>
/// PortVeil's storage in PostgreSQL, the same schema as <see cref="Sqlite.SqliteStore"/> (one migration list), so
/// several hosts of a fleet can share it. Every ban recorded here is announced on <see cref="BanChannel"/> with
/// NOTIFY in the same transaction, so the other hosts hear of it the moment it commits.
/// </summary>
/// <remarks>Thread-safe: every call takes a pooled connection from one <see cref="NpgsqlDataSource"/>.</remarks>
public sealed partial class PostgresStore : IPortVeilStore
{
    /// <summary>The LISTEN/NOTIFY channel; the payload is the ban's id (canonical UUID text), the receiver reads the row.</summary>
    public const string BanChannel = "portveil_bans";

    // Any 64-bit constant that no other application of the database uses: holders of it migrate one at a time.
    private const long MigrationLockKey = 0x506F72745665696C; // "PortVeil"

    private readonly NpgsqlDataSource _dataSource;

    private PostgresStore(NpgsqlConnectionStringBuilder builder)
    {
        Location = PostgresConnection.Describe(builder);
        ConnectionString = builder.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public StorageBackend Backend => StorageBackend.Postgresql;

    /// <summary>postgresql://user@host:port/database (never the password).</summary>
    public string Location { get; }

    public int SchemaVersion { get; private set; }

    /// <summary>The full connection string (with the password read from its file), for the fleet listener's own connection.</summary>
    internal string ConnectionString { get; }

    /// <summary>Connects, and applies pending migrations under an advisory lock (hosts starting together migrate once).</summary>
    public static PostgresStore Open(PostgresStoreOptions options) => Open(options, SchemaMigrations.All, null);

    internal static PostgresStore Open(PostgresStoreOptions options, IReadOnlyList<Migration> migrations, int? targetVersion)
    {
        var store = new PostgresStore(PostgresConnection.Build(options));
        try
        {
            using var connection = store._dataSource.OpenConnection();
            store.SchemaVersion = ApplyMigrations(connection, store.Location, migrations, targetVersion);
            return store;
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            store.Dispose();
            throw PostgresErrors.Translate(ex, store.Location);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public void Dispose() => _dataSource.Dispose();

    private static int ApplyMigrations(NpgsqlConnection connection, string location, IReadOnlyList<Migration> migrations, int? targetVersion)
    {
        var latest = migrations[^1].Version;
        var target = targetVersion ?? latest;
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({MigrationLockKey})"));
        Execute(connection, tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)");
        int current;
        using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection, tx))
        {
            current = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        if (current > latest)
        {
            tx.Rollback();
            throw new StorageException(
                StorageErrorKind.NewerSchema,
                location,
                $"The PortVeil database '{location}' has schema version {current}, but this PortVeil knows versions up to {latest}: " +
                "another host of the fleet runs a newer PortVeil. Upgrade this host. The database was not changed.");
        }

        // PostgreSQL's DDL is transactional: all pending versions land together, or none does.
        foreach (var migration in migrations)
        {
            if (migration.Version <= current || migration.Version > target)
            {
                continue;
            }

            Execute(connection, tx, migration.Render(SqlDialect.Postgres));
            using var insert = new NpgsqlCommand("INSERT INTO schema_version (version, name, applied_at_ms) VALUES (@v, @n, @t)", connection, tx);
            insert.Parameters.AddWithValue("v", migration.Version);
            insert.Parameters.AddWithValue("n", migration.Name);
            insert.Parameters.AddWithValue("t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
            current = migration.Version;
        }

        tx.Commit();
        return current;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection and translates PostgreSQL's errors.</summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            return await work(connection, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            throw PostgresErrors.Translate(ex, Location);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or OverflowException or InvalidCastException)
        {
            throw new StorageException(
                StorageErrorKind.Rejected,
                Location,
                $"A record for the PortVeil database '{Location}' could not be encoded or decoded ({ex.Message}).",
                ex);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql) => new(sql, connection, tx);

    private static long ToLong(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static object DbNullable(string? value) => value is null ? DBNull.Value : value;

    // Nanoseconds since the epoch, saturating (the same as the SQLite store).
    private static long ToUnixNs(DateTimeOffset t)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks > long.MaxValue / 100 ? long.MaxValue : ticks < long.MinValue / 100 ? long.MinValue : ticks * 100;
    }
}
