using PortVeil.Daemon.Options.Types;
using PortVeil.Storage;
using PortVeil.Storage.Postgres;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Storage()
    {
        const string S = "storage";
        var days = new IntegerType(1, 3650, "days");
        return new ConfigSection(S, "Where bans, incidents and event counts are kept, and for how long.",
        [
            ConfigKey.Create(S, "backend", new EnumType<StorageBackend>(("sqlite", StorageBackend.Sqlite), ("postgresql", StorageBackend.Postgresql)),
                "\"sqlite\": one file on this host. \"postgresql\": a PostgreSQL database (the same schema), which the hosts of a fleet share (docs/fleet.md).",
                c => c.StorageBackend, (c, v) => c.StorageBackend = v, "StorageBackend"),
            ConfigKey.Create(S, "path", PathType.Instance,
                "The SQLite database (WAL mode); its directory is created 0700, the file 0600.",
                c => c.Sqlite.Path, (c, v) => c.Sqlite.Path = v, nameof(SqliteStoreOptions.Path)),
            ConfigKey.Create(S, "postgresql_connection", new TextType("Host=db.example;Database=portveil;Username=portveil", allowEmpty: true),
                "An Npgsql connection string for backend \"postgresql\", without a password (one is refused); \"\" = use the postgresql_host/port/database/user keys.",
                c => c.Postgres.ConnectionString, (c, v) => c.Postgres.ConnectionString = v, nameof(PostgresStoreOptions.ConnectionString)),
            ConfigKey.Create(S, "postgresql_host", new TextType("db.example"),
                "PostgreSQL server: host name, IP address, or the directory of its unix socket (\"/var/run/postgresql\").",
                c => c.Postgres.Host, (c, v) => c.Postgres.Host = v, nameof(PostgresStoreOptions.Host)),
            ConfigKey.Create(S, "postgresql_port", new IntegerType(1, 65535),
                "PostgreSQL server port.",
                c => c.Postgres.Port, (c, v) => c.Postgres.Port = (int)v, nameof(PostgresStoreOptions.Port)),
            ConfigKey.Create(S, "postgresql_database", new TextType("portveil"),
                "PostgreSQL database; PortVeil creates its tables in it (schema migrations, as on SQLite).",
                c => c.Postgres.Database, (c, v) => c.Postgres.Database = v, nameof(PostgresStoreOptions.Database)),
            ConfigKey.Create(S, "postgresql_user", new TextType("portveil"),
                "PostgreSQL user.",
                c => c.Postgres.Username, (c, v) => c.Postgres.Username = v, nameof(PostgresStoreOptions.Username)),
            ConfigKey.Create(S, "postgresql_password_file", PathType.Optional,
                "File whose first line is the PostgreSQL password (0600, root only); \"\" = no password (peer or certificate authentication). Never put the password in portveil.toml.",
                c => c.Postgres.PasswordFile, (c, v) => c.Postgres.PasswordFile = v, nameof(PostgresStoreOptions.PasswordFile)),
            ConfigKey.Create(S, "event_retention_days", days,
                "Days of per-minute event counts kept (the charts of `portveil report`).",
                c => c.Retention.EventDays, (c, v) => c.Retention.EventDays = (int)v, nameof(RetentionOptions.EventDays)),
            ConfigKey.Create(S, "incident_retention_days", days,
                "Days of incidents (each verdict with its evidence) kept.",
                c => c.Retention.IncidentDays, (c, v) => c.Retention.IncidentDays = (int)v, nameof(RetentionOptions.IncidentDays)),
            ConfigKey.Create(S, "ban_history_days", days,
                "Days an ended ban stays in history; repeat offenders are recognised (and banned longer) within it.",
                c => c.Retention.BanHistoryDays, (c, v) => c.Retention.BanHistoryDays = (int)v, nameof(RetentionOptions.BanHistoryDays)),
        ], c => [.. Annotations(c.Sqlite), .. Annotations(c.Postgres), .. Annotations(c.Retention), .. Annotations(c.EventWriter), .. PostgresProblems(c)]);
    }

    private static IEnumerable<string> PostgresProblems(PortVeilConfig c)
    {
        if (c.Postgres.ConnectionString.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            yield return "postgresql_connection must not hold a password: put it in the file named by postgresql_password_file";
        }
    }
}
