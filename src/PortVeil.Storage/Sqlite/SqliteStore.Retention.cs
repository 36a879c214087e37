using Microsoft.Data.Sqlite;

namespace PortVeil.Storage.Sqlite;

public sealed partial class SqliteStore
{
    // Deletes go in chunks, each its own short transaction, so a prune of millions of rows never holds the write
    // lock longer than a few milliseconds and the event writer keeps getting in between.
    private const int PruneChunk = 5000;

    // An active ban (not ended, not expired) is never selected by these: "ended or expired" is the guard.
    private const string InactiveBan = "(ended_ms IS NOT NULL OR expires_ms <= @now)";

    public Task<PruneResult> PruneAsync(RetentionOptions retention, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retention);
        var nowMs = now.ToUnixTimeMilliseconds();
        var result = Run(c =>
        {
            var eventCutoff = now.AddDays(-retention.EventDays).ToUnixTimeMilliseconds();
            var events = DeleteChunked(c, "DELETE FROM event_minutes WHERE rowid IN (SELECT rowid FROM event_minutes WHERE bucket_ms < @cutoff LIMIT @chunk)", eventCutoff, nowMs, cancellationToken);
            events += DeleteOverCap(c, "SELECT count(*) FROM event_minutes", "DELETE FROM event_minutes WHERE rowid IN (SELECT rowid FROM event_minutes ORDER BY bucket_ms LIMIT @chunk)", retention.MaxEventRows, nowMs, cancellationToken);

            var incidentCutoff = ToUnixNs(now.AddDays(-retention.IncidentDays));
            var incidents = DeleteChunked(c, "DELETE FROM incidents WHERE id IN (SELECT id FROM incidents WHERE decided_at_ns < @cutoff LIMIT @chunk)", incidentCutoff, nowMs, cancellationToken);
            incidents += DeleteOverCap(c, "SELECT count(*) FROM incidents", "DELETE FROM incidents WHERE id IN (SELECT id FROM incidents ORDER BY decided_at_ns LIMIT @chunk)", retention.MaxIncidents, nowMs, cancellationToken);

            var banCutoff = now.AddDays(-retention.BanHistoryDays).ToUnixTimeMilliseconds();
            var bans = DeleteChunked(c, $"DELETE FROM bans WHERE id IN (SELECT id FROM bans WHERE {InactiveBan} AND coalesce(ended_ms, expires_ms) < @cutoff LIMIT @chunk)", banCutoff, nowMs, cancellationToken);
            bans += DeleteOverCap(c, $"SELECT count(*) FROM bans WHERE {InactiveBan}", $"DELETE FROM bans WHERE id IN (SELECT id FROM bans WHERE {InactiveBan} ORDER BY coalesce(ended_ms, expires_ms) LIMIT @chunk)", retention.MaxBanHistory, nowMs, cancellationToken);
            return new PruneResult(events, incidents, bans);
        }, cancellationToken);
        return Task.FromResult(result);
    }

    private static long DeleteChunked(SqliteConnection c, string sql, long cutoff, long nowMs, CancellationToken cancellationToken)
    {
        using var cmd = Command(c, null, sql);
        cmd.Parameters.AddWithValue("@cutoff", cutoff);
        cmd.Parameters.AddWithValue("@now", nowMs);
        cmd.Parameters.AddWithValue("@chunk", PruneChunk);
        long total = 0;
        int deleted;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            deleted = cmd.ExecuteNonQuery();
            total += deleted;
        }
        while (deleted == PruneChunk);
        return total;
    }

    private static long DeleteOverCap(SqliteConnection c, string countSql, string deleteOldestSql, long cap, long nowMs, CancellationToken cancellationToken)
    {
        using var count = Command(c, null, countSql);
        count.Parameters.AddWithValue("@now", nowMs);
        var excess = ExecuteCount(count) - cap;
        long total = 0;
        using var delete = Command(c, null, deleteOldestSql);
        delete.Parameters.AddWithValue("@now", nowMs);
        var chunk = delete.Parameters.AddWithValue("@chunk", 0);
        while (excess > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chunk.Value = (int)Math.Min(excess, PruneChunk);
            var deleted = delete.ExecuteNonQuery();
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
