using System.Data.Common;

namespace PortVeil.Storage;

/// <summary>The fleet statements, the same text on SQLite and PostgreSQL (parameters named @x on both).</summary>
internal static class FleetSql
{
    public const string UpsertImport =
        "INSERT INTO fleet_imports (ban_uid, host, decided_ms, outcome, detail) VALUES (@uid, @host, @at, @outcome, @detail) " +
        "ON CONFLICT (ban_uid, host) DO UPDATE SET decided_ms = excluded.decided_ms, outcome = excluded.outcome, detail = excluded.detail";

    public const string ListImports =
        "SELECT ban_uid, host, decided_ms, outcome, detail FROM fleet_imports WHERE ban_uid = @uid ORDER BY decided_ms, host";

    // Incidents are the reports; a host's detector-made ban of the address counts too, because a ban can be
    // committed (and announced) in an earlier batch than its incident.
    public const string CountReportingHosts =
        "SELECT count(DISTINCT h) FROM (" +
        "SELECT origin_host AS h FROM incidents WHERE source = @source AND source_kind = @kind AND decided_at_ns >= @since " +
        "UNION SELECT origin_host AS h FROM bans WHERE address = @source AND started_ms >= @since_ms AND dry_run = FALSE AND detector IS NOT NULL" +
        ") AS reports";

    public static FleetImport ReadImport(DbDataReader r) => new()
    {
        BanId = Guid.Parse(r.GetString(0)),
        Host = r.GetString(1),
        DecidedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        Outcome = StorageNames.ParseOutcome(r.GetString(3)),
        Detail = r.IsDBNull(4) ? null : r.GetString(4),
    };
}
