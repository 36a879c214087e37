using System.Globalization;
using Npgsql;
using PortVeil.Core;

namespace PortVeil.Storage.Postgres;

public sealed partial class PostgresStore
{
    // Held for one transaction by whichever host's correlator is deciding, so two hosts that find the same scanner
    // at the same moment make one ban between them, not two. Distinct from the migration lock key.
    private const long CorrelationLockKey = 0x506F72745665696D;

    // Tags that mean "this probe found nothing": unserved ports, tripwires, raw-scanner SYNs the fingerprint rule
    // dropped, stealth flag probes (PacketTag values 1, 3, 4, 7). Served (2), gated first contacts (6) and replies
    // (5) are not failures.
    private const string FailureTags = "1, 3, 4, 7";

    // An operator's unban (or allowlist entry) is not undone by the evidence it already judged: a row whose last
    // probe is no later than the end of an operator-ended ban of its source is left out (a row that goes on after
    // the unban counts again).
    private const string NotLiftedSql =
        "NOT EXISTS (SELECT 1 FROM bans u WHERE u.address = e.source AND u.end_reason IN ('unbanned', 'allowlisted') AND u.ended_ms >= e.last_ms)";

    // The sources that failed on at least @hosts distinct hosts with at least @failures failures since @since, with
    // one row per (source, host); sources with an active ban anywhere in the fleet are already handled.
    private const string CorrelateSql =
        "SELECT e.source, e.origin_host, sum(e.packets), max(e.distinct_ports), min(e.first_ms), max(e.last_ms), string_agg(e.ports, ',' ORDER BY e.bucket_ms) " +
        "FROM event_minutes e JOIN (" +
        "SELECT source FROM event_minutes e WHERE bucket_ms >= @since AND tag IN (" + FailureTags + ") AND origin_host <> '' AND " + NotLiftedSql + " " +
        "GROUP BY source HAVING count(DISTINCT origin_host) >= @hosts AND sum(packets) >= @failures" +
        ") c ON c.source = e.source " +
        "WHERE e.bucket_ms >= @since AND e.tag IN (" + FailureTags + ") AND e.origin_host <> '' AND " + NotLiftedSql + " " +
        "AND NOT EXISTS (SELECT 1 FROM bans b WHERE b.address = e.source AND b.ended_ms IS NULL AND b.expires_ms > @now AND b.dry_run = FALSE) " +
        "GROUP BY e.source, e.origin_host ORDER BY e.source, e.origin_host LIMIT @limit";

    // Many sources of one IPv4 /24 or IPv6 /64, each failing lightly: the prefixes with at least @sources distinct
    // sources that failed on at least @hosts distinct hosts, one row per (prefix, source, host). Sources banned on
    // their own and prefixes banned whole are already handled; rows an operator's unban of the source or the prefix
    // already judged are left out. `source::inet` is safe: every source is written as
    // canonical address text (SchemaMigrations remarks).
    private const string CorrelatePrefixSql =
        "WITH r AS (" +
        "SELECT e.source, e.origin_host, e.packets, e.ports, e.first_ms, e.last_ms, e.bucket_ms, " +
        "network(set_masklen(e.source::inet, CASE WHEN family(e.source::inet) = 4 THEN 24 ELSE 64 END)) AS pfx " +
        "FROM event_minutes e WHERE e.bucket_ms >= @since AND e.tag IN (" + FailureTags + ") AND e.origin_host <> '' AND " + NotLiftedSql + " " +
        "AND NOT EXISTS (SELECT 1 FROM bans b WHERE b.address = e.source AND b.ended_ms IS NULL AND b.expires_ms > @now AND b.dry_run = FALSE)" +
        "), f AS (" +
        "SELECT r.* FROM r WHERE NOT EXISTS (SELECT 1 FROM bans b WHERE b.address = host(r.pfx) AND b.prefix_len = masklen(r.pfx) AND (" +
        "(b.ended_ms IS NULL AND b.expires_ms > @now AND b.dry_run = FALSE) OR (b.end_reason IN ('unbanned', 'allowlisted') AND b.ended_ms >= r.last_ms)))" +
        "), p AS (" +
        "SELECT pfx FROM f GROUP BY pfx HAVING count(DISTINCT f.source) >= @sources AND count(DISTINCT f.origin_host) >= @hosts" +
        ") " +
        "SELECT host(f.pfx), masklen(f.pfx), f.source, f.origin_host, sum(f.packets), min(f.first_ms), max(f.last_ms), string_agg(f.ports, ',' ORDER BY f.bucket_ms) " +
        "FROM f JOIN p ON p.pfx = f.pfx " +
        "GROUP BY f.pfx, f.source, f.origin_host ORDER BY f.pfx, f.source, f.origin_host LIMIT @limit";

    private const string ActiveBanOfSql =
        "SELECT count(*) FROM bans WHERE address = @address AND ended_ms IS NULL AND expires_ms > @now AND (dry_run = FALSE OR @dry)";

    /// <summary>
    /// Sources whose probes failed on at least <paramref name="minHosts"/> distinct hosts, <paramref name="minFailures"/>
    /// failures in all, in minute buckets starting at or after <paramref name="since"/>; sources banned anywhere in the
    /// fleet at <paramref name="now"/> are left out.
    /// </summary>
    public Task<IReadOnlyList<CorrelatedSource>> FindCorrelatedSourcesAsync(DateTimeOffset since, DateTimeOffset now, int minHosts, long minFailures,
        int limit = 1_000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minHosts, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunAsync<IReadOnlyList<CorrelatedSource>>(async (c, ct) =>
        {
            await using var cmd = Command(c, null, CorrelateSql);
            cmd.Parameters.AddWithValue("since", EventAggregate.BucketOf(since.ToUnixTimeMilliseconds()));
            cmd.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("hosts", (long)minHosts);
            cmd.Parameters.AddWithValue("failures", minFailures);
            cmd.Parameters.AddWithValue("limit", limit);
            var result = new List<CorrelatedSource>();
            string? current = null;
            List<CorrelatedHost>? hosts = null;
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var source = r.GetString(0);
                if (!string.Equals(source, current, StringComparison.Ordinal))
                {
                    current = source;
                    hosts = [];
                    result.Add(new CorrelatedSource { Source = NetAddress.Parse(source), Hosts = hosts });
                }

                hosts!.Add(new CorrelatedHost
                {
                    Host = r.GetString(1),
                    Failures = r.GetInt64(2),
                    DistinctPorts = r.GetInt32(3),
                    FirstSeen = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                    LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
                    Ports = ParsePorts(r.IsDBNull(6) ? string.Empty : r.GetString(6)),
                });
            }

            return result;
        }, cancellationToken);
    }

    /// <summary>
    /// IPv4 /24s and IPv6 /64s with at least <paramref name="minSources"/> distinct sources whose probes failed on at
    /// least <paramref name="minHosts"/> distinct hosts, in minute buckets starting at or after
    /// <paramref name="since"/>; sources banned alone and prefixes banned whole at <paramref name="now"/> are left
    /// out. At most <paramref name="limit"/> (source, host) rows in all.
    /// </summary>
    public Task<IReadOnlyList<CorrelatedPrefix>> FindCorrelatedPrefixesAsync(DateTimeOffset since, DateTimeOffset now, int minSources, int minHosts,
        int limit = 4_096, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minSources, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(minHosts, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunAsync<IReadOnlyList<CorrelatedPrefix>>(async (c, ct) =>
        {
            await using var cmd = Command(c, null, CorrelatePrefixSql);
            cmd.Parameters.AddWithValue("since", EventAggregate.BucketOf(since.ToUnixTimeMilliseconds()));
            cmd.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("sources", (long)minSources);
            cmd.Parameters.AddWithValue("hosts", (long)minHosts);
            cmd.Parameters.AddWithValue("limit", limit);
            var result = new List<CorrelatedPrefix>();
            string? current = null;
            List<CorrelatedMember>? rows = null;
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var network = r.GetString(0);
                if (!string.Equals(network, current, StringComparison.Ordinal))
                {
                    current = network;
                    rows = [];
                    result.Add(new CorrelatedPrefix { Network = NetAddress.Parse(network), Length = r.GetInt32(1), Rows = rows });
                }

                rows!.Add(new CorrelatedMember
                {
                    Source = NetAddress.Parse(r.GetString(2)),
                    Host = r.GetString(3),
                    Failures = r.GetInt64(4),
                    FirstSeen = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
                    LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
                    Ports = ParsePorts(r.IsDBNull(7) ? string.Empty : r.GetString(7)),
                });
            }

            return result;
        }, cancellationToken);
    }

    /// <summary>
    /// Records a correlation ban and its incident in one transaction under a fleet-wide advisory lock, unless the
    /// target already has an active ban (another host's correlator or detector was first): then nothing is written
    /// and the result is false. A recorded ban is announced with NOTIFY at commit, like every other ban.
    /// </summary>
    public Task<bool> TryRecordCorrelatedBanAsync(BanRecord ban, IncidentRecord incident, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ban);
        ArgumentNullException.ThrowIfNull(incident);
        return RunAsync(async (c, ct) =>
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            await using (var lockCmd = Command(c, tx, string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({CorrelationLockKey})")))
            {
                await lockCmd.ExecuteNonQueryAsync(ct);
            }

            await using (var check = Command(c, tx, ActiveBanOfSql))
            {
                check.Parameters.AddWithValue("address", ban.Target.Address.ToString());
                check.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());

                // A dry-run ban is stopped by any active ban (dry-run hosts of a fleet make one between them); a real
                // ban only by a real one, so a dry-run host never keeps the scanner out of the enforcing hosts' kernels.
                check.Parameters.AddWithValue("dry", ban.DryRun);
                if (ToLong(await check.ExecuteScalarAsync(ct)) > 0)
                {
                    await tx.RollbackAsync(ct);
                    return false;
                }
            }

            await InsertBansAsync(c, tx, [ban], ct);
            await using (var cmd = Command(c, tx, InsertIncidentSql))
            {
                BindIncident(cmd, incident);
                await cmd.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }

    // "22,23,,80,22" (string_agg of per-minute samples) -> distinct ports in first-seen order, at most 64.
    private static List<ushort> ParsePorts(string text)
    {
        var ports = new List<ushort>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ushort.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && !ports.Contains(port) && ports.Count < 64)
            {
                ports.Add(port);
            }
        }

        return ports;
    }
}
