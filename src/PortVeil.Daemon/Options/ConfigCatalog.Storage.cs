using PortVeil.Daemon.Options.Types;
using PortVeil.Storage;
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
            ConfigKey.Create(S, "path", PathType.Instance,
                "The SQLite database (WAL mode); its directory is created 0700, the file 0600.",
                c => c.Sqlite.Path, (c, v) => c.Sqlite.Path = v, nameof(SqliteStoreOptions.Path)),
            ConfigKey.Create(S, "event_retention_days", days,
                "Days of per-minute event counts kept (the charts of `portveil report`).",
                c => c.Retention.EventDays, (c, v) => c.Retention.EventDays = (int)v, nameof(RetentionOptions.EventDays)),
            ConfigKey.Create(S, "incident_retention_days", days,
                "Days of incidents (each verdict with its evidence) kept.",
                c => c.Retention.IncidentDays, (c, v) => c.Retention.IncidentDays = (int)v, nameof(RetentionOptions.IncidentDays)),
            ConfigKey.Create(S, "ban_history_days", days,
                "Days an ended ban stays in history; repeat offenders are recognised (and banned longer) within it.",
                c => c.Retention.BanHistoryDays, (c, v) => c.Retention.BanHistoryDays = (int)v, nameof(RetentionOptions.BanHistoryDays)),
        ], c => [.. Annotations(c.Sqlite), .. Annotations(c.Retention), .. Annotations(c.EventWriter)]);
    }
}
