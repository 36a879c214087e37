using Npgsql;

namespace PortVeil.Storage.Postgres;

public sealed partial class PostgresStore
{
    // The same chunked deletes as the SQLite store (ctid stands in for SQLite's rowid in event_minutes).
    private const int PruneChunk = 5000;

    private const string InactiveBan = "(ended_ms IS NOT NULL OR expires_ms <= @now)";

    public Task<PruneResult> PruneAsync(RetentionOptions retention, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retention);
        var nowMs = now.ToUnixTimeMilliseconds();
        return RunAsync(async (c, ct) =>
        {
            var eventCutoff = now.AddDays(-retention.EventDays).ToUnixTimeMilliseconds();
            var events = await DeleteChunkedAsync(c, "DELETE FROM event_minutes WHERE ctid IN (SELECT ctid FROM event_minutes WHERE bucket_ms < @cutoff LIMIT @chunk)", eventCutoff, nowMs, ct);
            events += await DeleteOverCapAsync(c, "SELECT count(*) FROM event_minutes", "DELETE FROM event_minutes WHERE ctid IN (SELECT ctid FROM event_minutes ORDER BY bucket_ms LIMIT @chunk)", retention.MaxEventRows, nowMs, ct);

            var incidentCutoff = ToUnixNs(now.AddDays(-retention.IncidentDays));
            var incidents = await DeleteChunkedAsync(c, "DELETE FROM incidents WHERE id IN (SELECT id FROM incidents WHERE decided_at_ns < @cutoff LIMIT @chunk)", incidentCutoff, nowMs, ct);
            incidents += await DeleteOverCapAsync(c, "SELECT count(*) FROM incidents", "DELETE FROM incidents WHERE id IN (SELECT id FROM incidents ORDER BY decided_at_ns LIMIT @chunk)", retention.MaxIncidents, nowMs, ct);

            var banCutoff = now.AddDays(-retention.BanHistoryDays).ToUnixTimeMilliseconds();
            var bans = await DeleteChunkedAsync(c, $"DELETE FROM bans WHERE id IN (SELECT id FROM bans WHERE {InactiveBan} AND coalesce(ended_ms, expires_ms) < @cutoff LIMIT @chunk)", banCutoff, nowMs, ct);
            bans += await DeleteOverCapAsync(c, $"SELECT count(*) FROM bans WHERE {InactiveBan}", $"DELETE FROM bans WHERE id IN (SELECT id FROM bans WHERE {InactiveBan} ORDER BY coalesce(ended_ms, expires_ms) LIMIT @chunk)", retention.MaxBanHistory, nowMs, ct);
            return new PruneResult(events, incidents, bans);
        }, cancellationToken);
    }

    private static async Task<long> DeleteChunkedAsync(NpgsqlConnection c, string sql, long cutoff, long nowMs, CancellationToken ct)
    {
        await using var cmd = Command(c, null, sql);
        cmd.Parameters.AddWithValue("cutoff", cutoff);
        if (sql.Contains("@now", StringComparison.Ordinal))
        {
            cmd.Parameters.AddWithValue("now", nowMs);
        }

        cmd.Parameters.AddWithValue("chunk", PruneChunk);
        long total = 0;
        int deleted;
        do
        {
            ct.ThrowIfCancellationRequested();
            deleted = await cmd.ExecuteNonQueryAsync(ct);
            total += deleted;
        }
        while (deleted == PruneChunk);
        return total;
    }

    private static async Task<long> DeleteOverCapAsync(NpgsqlConnection c, string countSql, string deleteOldestSql, long cap, long nowMs, CancellationToken ct)
    {
        await using var count = Command(c, null, countSql);
        if (countSql.Contains("@now", StringComparison.Ordinal))
        {
            count.Parameters.AddWithValue("now", nowMs);
        }

        var excess = ToLong(await count.ExecuteScalarAsync(ct)) - cap;
        long total = 0;
        await using var delete = Command(c, null, deleteOldestSql);
        if (deleteOldestSql.Contains("@now", StringComparison.Ordinal))
        {
            delete.Parameters.AddWithValue("now", nowMs);
        }

        var chunk = delete.Parameters.AddWithValue("chunk", 0);
        while (excess > 0)
        {
            ct.ThrowIfCancellationRequested();
            chunk.Value = (int)Math.Min(excess, PruneChunk);
            var deleted = await delete.ExecuteNonQueryAsync(ct);
            if (deleted == 0)
            {
                break;
            }

            total += deleted;
            excess -= deleted;
        }

        return total;
    }
}
