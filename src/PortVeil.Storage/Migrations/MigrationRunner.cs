using System.Globalization;
using Microsoft.Data.Sqlite;

namespace PortVeil.Storage.Migrations;

/// <summary>Brings a SQLite database to the latest schema, or refuses one from a newer PortVeil without touching it.</summary>
internal static class MigrationRunner
{
    /// <summary>Applies the missing migrations up to <paramref name="targetVersion"/> (default: latest); returns the version reached.</summary>
    public static int Apply(SqliteConnection connection, string databasePath, IReadOnlyList<Migration> migrations, int? targetVersion = null)
    {
        var latest = migrations[^1].Version;
        var target = targetVersion ?? latest;

        // Read before writing anything, so a newer database is refused unchanged (and a read-only one that is
        // already current opens without a write).
        var current = ReadVersion(connection, null);
        if (current > latest)
        {
            throw new StorageException(
                StorageErrorKind.NewerSchema,
                databasePath,
                $"The PortVeil database '{databasePath}' has schema version {current}, but this PortVeil knows versions up to {latest}: " +
                "it was written by a newer PortVeil. Upgrade PortVeil, or set storage.path to another file. The database was not changed.");
        }

        if (current >= target)
        {
            return current;
        }

        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)");
        foreach (var migration in migrations)
        {
            if (migration.Version <= current || migration.Version > target)
            {
                continue;
            }

            // BEGIN IMMEDIATE takes the write lock first; a second process opening the same file at the same
            // moment waits, then sees the version already applied and skips it.
            using var tx = connection.BeginTransaction(deferred: false);
            if (ReadVersion(connection, tx) >= migration.Version)
            {
                tx.Commit();
                continue;
            }

            Execute(connection, tx, migration.Render(SqlDialect.Sqlite));
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO schema_version (version, name, applied_at_ms) VALUES (@v, @n, @t)";
                insert.Parameters.AddWithValue("@v", migration.Version);
                insert.Parameters.AddWithValue("@n", migration.Name);
                insert.Parameters.AddWithValue("@t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
            }

            tx.Commit();
            current = migration.Version;
        }

        return current;
    }

    /// <summary>0 for an empty database (no schema_version table yet).</summary>
    public static int ReadVersion(SqliteConnection connection, SqliteTransaction? tx)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
        if (Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        cmd.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
