using PortVeil.Daemon.Options;
using PortVeil.Storage;

namespace PortVeil.Cli.Operator;

/// <summary>
/// Opens the database a CLI verb reads or writes, the same way `portveil run` does: the configuration file's
/// [storage] section selects SQLite (storage.path) or PostgreSQL (the postgresql_* keys), so every verb works on
/// both backends. `--database FILE` names a SQLite file to use instead, whatever the backend (a copy taken off a
/// host, a test database).
/// </summary>
internal static class CliStore
{
    /// <summary>
    /// Loads the configuration at <paramref name="configPath"/> (a missing file means all defaults) and applies
    /// <paramref name="database"/>; on errors writes every problem to <paramref name="error"/> and returns null.
    /// </summary>
    public static PortVeilConfig? LoadConfig(string? configPath, string? database, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var loaded = ConfigLoader.Load(configPath ?? ConfigLoader.DefaultPath);
        if (!loaded.IsValid)
        {
            error.WriteLine($"portveil: {loaded.Errors.Count} problem(s) in the configuration:");
            foreach (var e in loaded.Errors)
            {
                error.WriteLine($"  {e}");
            }

            return null;
        }

        var config = loaded.Config;
        if (database is not null)
        {
            UseSqliteFile(config, database);
        }

        return config;
    }

    /// <summary>
    /// `--database FILE`: SQLite with that file, whatever storage.backend says (the one override every verb and
    /// `portveil run` apply). `portveil run` refuses it first when fleet.enabled is set (<see cref="FleetConflict"/>).
    /// </summary>
    public static void UseSqliteFile(PortVeilConfig config, string database)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(database);
        config.StorageBackend = StorageBackend.Sqlite;
        config.Sqlite.Path = database;
    }

    /// <summary>
    /// Why `portveil run --database` cannot run with <paramref name="config"/> (read from <paramref name="configPath"/>):
    /// fleet mode needs the shared PostgreSQL database, and a daemon on a private file would neither import the
    /// fleet's bans nor share its own. Null when the override is safe.
    /// </summary>
    public static string? FleetConflict(PortVeilConfig config, string configPath)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Fleet.Enabled
            ? $"--database selects a SQLite file, but {configPath} sets fleet.enabled = true (fleet mode needs the shared PostgreSQL database); " +
                "not starting. Drop --database, or set fleet.enabled = false to run this host alone on that file."
            : null;
    }

    /// <summary>
    /// Opens (and migrates) the store <paramref name="config"/> selects. With <paramref name="mustExist"/> a SQLite
    /// file that is not there is not created (a listing never makes an empty database): null with
    /// <see cref="CliStoreFailure.Missing"/>. A database that cannot be opened or reached: null with
    /// <see cref="CliStoreFailure.Failed"/>. Either way one line naming the database goes to <paramref name="error"/>,
    /// prefixed with <paramref name="verb"/>.
    /// </summary>
    /// <remarks>
    /// A PostgreSQL database always exists already (the CLI never creates one); opening it applies pending
    /// migrations under the same advisory lock as the daemons of the fleet, so a CLI of a newer PortVeil may
    /// upgrade a shared schema, and one of an older PortVeil refuses a newer schema, as a daemon would.
    /// </remarks>
    public static IPortVeilStore? Open(PortVeilConfig config, bool mustExist, string verb, TextWriter error, out CliStoreFailure failure, string? configPath = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(error);
        if (mustExist && config.StorageBackend == StorageBackend.Sqlite && !File.Exists(config.Sqlite.Path))
        {
            error.WriteLine($"{verb}: there is no PortVeil database at {config.Sqlite.Path}: `portveil run` has not run with it yet. " +
                "Pass --database (or set storage.path or storage.backend in --config) to read another one.");
            failure = CliStoreFailure.Missing;
            return null;
        }

        try
        {
            var store = PortVeilStores.Open(config.StorageBackend, config.Sqlite, config.Postgres with { ApplicationName = "portveil cli" });
            failure = CliStoreFailure.None;
            return store;
        }
        catch (StorageException e)
        {
            error.WriteLine($"{verb}: {(config.StorageBackend == StorageBackend.Postgresql ? PostgresProblem(e, configPath) : null) ?? e.Message}");
            failure = CliStoreFailure.Failed;
            return null;
        }
    }

    /// <summary>
    /// A one-shot verb's line for a PostgreSQL server that cannot be reached or refuses the connection; null for
    /// other failures (a newer schema, ...), whose store message already fits. The store's own wording is the
    /// daemon's ("records are buffered ... PortVeil retries"), wrong for a verb that simply did nothing.
    /// </summary>
    internal static string? PostgresProblem(StorageException e, string? configPath)
    {
        if (e.Kind is not (StorageErrorKind.CannotOpen or StorageErrorKind.IoError))
        {
            return null;
        }

        var cause = e.InnerException is { } inner
            ? inner.InnerException is { } root && root.Message != inner.Message ? $"{inner.Message}: {root.Message}" : inner.Message
            : e.Message;
        var keys = $"the storage.postgresql_* keys in {configPath ?? "the configuration file"}";
        return e.InnerException is Npgsql.PostgresException
            ? $"PostgreSQL refused the connection to '{e.DatabasePath}' ({cause}); nothing was read or changed. " +
                $"Check the user, the database and the password file ({keys}) and the server's pg_hba.conf."
            : $"Cannot reach the PostgreSQL server of '{e.DatabasePath}' ({cause}); nothing was read or changed. " +
                $"Check that the server runs and that this host can connect to it, and {keys}.";
    }
}
