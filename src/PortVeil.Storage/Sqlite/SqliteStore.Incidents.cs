using Microsoft.Data.Sqlite;
using PortVeil.Core;

namespace PortVeil.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string IncidentColumns =
        "incident_uid, decided_at_ns, source, source_kind, scan, detector, tool, source_verified, ban_uid, origin_host, evidence";

    private const string InsertIncidentSql =
        "INSERT INTO incidents (incident_uid, decided_at_ns, source, source_kind, scan, detector, tool, source_verified, ban_uid, origin_host, evidence) " +
        "VALUES (@uid, @at, @source, @kind, @scan, @detector, @tool, @verified, @ban, @origin, @evidence) ON CONFLICT (incident_uid) DO NOTHING";

    public Task RecordIncidentAsync(IncidentRecord incident, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        Run(c =>
        {
            using var cmd = InsertIncidentCommand(c, null);
            BindIncident(cmd, incident);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredIncident>> ListIncidentsAsync(DateTimeOffset since, DateTimeOffset until, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var list = Run(c =>
        {
            using var cmd = Command(c, null, $"SELECT {IncidentColumns} FROM incidents WHERE decided_at_ns >= @from AND decided_at_ns < @to ORDER BY decided_at_ns, id LIMIT @limit");
            cmd.Parameters.AddWithValue("@from", ToUnixNs(since));
            cmd.Parameters.AddWithValue("@to", ToUnixNs(until));
            cmd.Parameters.AddWithValue("@limit", limit);
            return ReadIncidents(cmd);
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<StoredIncident>>(list);
    }

    public Task<IReadOnlyList<StoredIncident>> ListIncidentsBySourceAsync(SourceKey source, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var list = Run(c =>
        {
            using var cmd = Command(c, null, $"SELECT {IncidentColumns} FROM incidents WHERE source = @source AND source_kind = @kind ORDER BY decided_at_ns DESC, id DESC LIMIT @limit");
            cmd.Parameters.AddWithValue("@source", source.Address.ToString());
            cmd.Parameters.AddWithValue("@kind", (int)source.Kind);
            cmd.Parameters.AddWithValue("@limit", limit);
            return ReadIncidents(cmd);
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<StoredIncident>>(list);
    }

    public Task<IReadOnlyList<StoredIncident>> ListIncidentsByBanAsync(Guid banId, CancellationToken cancellationToken = default)
    {
        var list = Run(c =>
        {
            using var cmd = Command(c, null, $"SELECT {IncidentColumns} FROM incidents WHERE ban_uid = @ban ORDER BY decided_at_ns, id");
            cmd.Parameters.AddWithValue("@ban", banId.ToString("D"));
            return ReadIncidents(cmd);
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<StoredIncident>>(list);
    }

    // Nanoseconds since the epoch fit a long from 1678 to 2262; DateTimeOffset ticks are 100 ns. Bounds beyond
    // that (DateTimeOffset.MinValue/MaxValue for "everything since") saturate instead of wrapping around.
    private static long ToUnixNs(DateTimeOffset t)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks > long.MaxValue / 100 ? long.MaxValue : ticks < long.MinValue / 100 ? long.MinValue : ticks * 100;
    }

    private static SqliteCommand InsertIncidentCommand(SqliteConnection c, SqliteTransaction? tx)
    {
        var cmd = Command(c, tx, InsertIncidentSql);
        foreach (var name in (ReadOnlySpan<string>)["@uid", "@at", "@source", "@kind", "@scan", "@detector", "@tool", "@verified", "@ban", "@origin", "@evidence"])
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return cmd;
    }

    private static void BindIncident(SqliteCommand cmd, IncidentRecord incident)
    {
        var v = incident.Verdict;
        var p = cmd.Parameters;
        p[0].Value = incident.Id.ToString("D");
        p[1].Value = v.DecidedAtNs;
        p[2].Value = v.Source.Address.ToString();
        p[3].Value = (int)v.Source.Kind;
        p[4].Value = ScanNames.Of(v.Scan);
        p[5].Value = ScanNames.Of(v.Detector);
        p[6].Value = ScanNames.Of(v.Tool);
        p[7].Value = v.SourceVerified;
        p[8].Value = incident.BanId is { } ban ? ban.ToString("D") : DBNull.Value;
        p[9].Value = incident.OriginHost;
        p[10].Value = EvidenceJson.Write(v.Evidence);
    }

    private static List<StoredIncident> ReadIncidents(SqliteCommand cmd)
    {
        var list = new List<StoredIncident>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(StoredRows.Incident(r));
        }

        return list;
    }
}
