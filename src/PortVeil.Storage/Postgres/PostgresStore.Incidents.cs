using Npgsql;
using PortVeil.Core;

namespace PortVeil.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string IncidentColumns =
        "incident_uid, decided_at_ns, source, source_kind, scan, detector, tool, source_verified, ban_uid, origin_host, evidence";

    private const string InsertIncidentSql =
        "INSERT INTO incidents (incident_uid, decided_at_ns, source, source_kind, scan, detector, tool, source_verified, ban_uid, origin_host, evidence) " +
        "VALUES (@uid, @at, @source, @kind, @scan, @detector, @tool, @verified, @ban, @origin, @evidence) ON CONFLICT (incident_uid) DO NOTHING";

    public Task RecordIncidentAsync(IncidentRecord incident, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return RunAsync(async (c, ct) =>
        {
            await using var cmd = Command(c, null, InsertIncidentSql);
            BindIncident(cmd, incident);
            return await cmd.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StoredIncident>> ListIncidentsAsync(DateTimeOffset since, DateTimeOffset until, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryIncidentsAsync(
            $"SELECT {IncidentColumns} FROM incidents WHERE decided_at_ns >= @from AND decided_at_ns < @to ORDER BY decided_at_ns, id LIMIT @limit",
            cmd =>
            {
                cmd.Parameters.AddWithValue("from", ToUnixNs(since));
                cmd.Parameters.AddWithValue("to", ToUnixNs(until));
                cmd.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredIncident>> ListIncidentsBySourceAsync(SourceKey source, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryIncidentsAsync(
            $"SELECT {IncidentColumns} FROM incidents WHERE source = @source AND source_kind = @kind ORDER BY decided_at_ns DESC, id DESC LIMIT @limit",
            cmd =>
            {
                cmd.Parameters.AddWithValue("source", source.Address.ToString());
                cmd.Parameters.AddWithValue("kind", (int)source.Kind);
                cmd.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredIncident>> ListIncidentsByBanAsync(Guid banId, CancellationToken cancellationToken = default) =>
        QueryIncidentsAsync(
            $"SELECT {IncidentColumns} FROM incidents WHERE ban_uid = @ban ORDER BY decided_at_ns, id",
            cmd => cmd.Parameters.AddWithValue("ban", banId.ToString("D")),
            cancellationToken);

    private Task<IReadOnlyList<StoredIncident>> QueryIncidentsAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StoredIncident>>(async (c, ct) =>
        {
            await using var cmd = Command(c, null, sql);
            bind(cmd);
            var list = new List<StoredIncident>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                list.Add(StoredRows.Incident(r));
            }

            return list;
        }, cancellationToken);

    private static void BindIncident(NpgsqlCommand cmd, IncidentRecord incident)
    {
        var v = incident.Verdict;
        var p = cmd.Parameters;
        p.Clear();
        p.AddWithValue("uid", incident.Id.ToString("D"));
        p.AddWithValue("at", v.DecidedAtNs);
        p.AddWithValue("source", v.Source.Address.ToString());
        p.AddWithValue("kind", (int)v.Source.Kind);
        p.AddWithValue("scan", ScanNames.Of(v.Scan));
        p.AddWithValue("detector", ScanNames.Of(v.Detector));
        p.AddWithValue("tool", ScanNames.Of(v.Tool));
        p.AddWithValue("verified", v.SourceVerified);
        p.AddWithValue("ban", NpgsqlTypes.NpgsqlDbType.Text, incident.BanId is { } ban ? ban.ToString("D") : DBNull.Value);
        p.AddWithValue("origin", incident.OriginHost);
        p.AddWithValue("evidence", EvidenceJson.Write(v.Evidence));
    }
}
