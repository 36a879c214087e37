using Npgsql;
using PortVeil.Core;

namespace PortVeil.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string BanColumns =
        "ban_uid, address, prefix_len, reason, detector, scan, tool, started_ms, expires_ms, escalation_level, origin_host, dry_run, ended_ms, end_reason";

    private const string InsertBanSql =
        "INSERT INTO bans (ban_uid, address, prefix_len, reason, detector, scan, tool, started_ms, expires_ms, escalation_level, origin_host, dry_run) " +
        "VALUES (@uid, @address, @prefix, @reason, @detector, @scan, @tool, @started, @expires, @level, @origin, @dry) ON CONFLICT (ban_uid) DO NOTHING";

    private const string NotifySql = "SELECT pg_notify('" + BanChannel + "', @uid)";

    // Ends the ban and announces the end ("end:" + ban_uid) in the same statement, so the other hosts' operator-sync
    // loops lift it at commit instead of at their next one-second poll. Returns 1 when a row was ended, else 0.
    private const string EndBanSql =
        "WITH ended AS (UPDATE bans SET ended_ms = @ended, end_reason = @reason WHERE ban_uid = @uid AND ended_ms IS NULL RETURNING ban_uid) " +
        "SELECT count(pg_notify('" + BanChannel + "', '" + EndedPrefix + "' || ban_uid)) FROM ended";

    /// <summary>The NOTIFY payload prefix of an ended ban (the rest is its id); a bare id announces a new ban.</summary>
    public const string EndedPrefix = "end:";

    public Task RecordBanAsync(BanRecord ban, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ban);
        return RunAsync(async (c, ct) =>
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            await InsertBansAsync(c, tx, [ban], ct);
            await tx.CommitAsync(ct);
            return 0;
        }, cancellationToken);
    }

    public Task<bool> EndBanAsync(BanEnd banEnd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(banEnd);
        return RunAsync(async (c, ct) =>
        {
            await using var cmd = Command(c, null, EndBanSql);
            BindBanEnd(cmd, banEnd);
            return ToLong(await cmd.ExecuteScalarAsync(ct)) > 0;
        }, cancellationToken);
    }

    public Task<int> ExpireBansAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunAsync(async (c, ct) =>
        {
            await using var cmd = Command(c, null, "UPDATE bans SET ended_ms = expires_ms, end_reason = @reason WHERE ended_ms IS NULL AND expires_ms <= @now");
            cmd.Parameters.AddWithValue("reason", StorageNames.Of(BanEndReason.Expired));
            cmd.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
            return await cmd.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredBan>> ListActiveBansAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        QueryBansAsync($"SELECT {BanColumns} FROM bans WHERE ended_ms IS NULL AND expires_ms > @now ORDER BY started_ms, id", cmd => cmd.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds()), cancellationToken);

    public Task<IReadOnlyList<StoredBan>> ListBanHistoryAsync(BanTarget target, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryBansAsync(
            $"SELECT {BanColumns} FROM bans WHERE address = @address AND prefix_len = @prefix ORDER BY started_ms DESC, id DESC LIMIT @limit",
            cmd =>
            {
                BindTarget(cmd, target);
                cmd.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredBan>> ListBansStartedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryBansAsync($"SELECT {BanColumns} FROM bans WHERE started_ms >= @since ORDER BY started_ms, id", cmd => cmd.Parameters.AddWithValue("since", since.ToUnixTimeMilliseconds()), cancellationToken);

    public Task<IReadOnlyList<StoredBan>> ListBansEndedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryBansAsync($"SELECT {BanColumns} FROM bans WHERE ended_ms >= @since ORDER BY ended_ms, id", cmd => cmd.Parameters.AddWithValue("since", since.ToUnixTimeMilliseconds()), cancellationToken);

    public async Task<StoredBan?> FindBanAsync(Guid banId, CancellationToken cancellationToken = default)
    {
        var bans = await QueryBansAsync($"SELECT {BanColumns} FROM bans WHERE ban_uid = @uid", cmd => cmd.Parameters.AddWithValue("uid", banId.ToString("D")), cancellationToken);
        return bans.Count > 0 ? bans[0] : null;
    }

    public Task<int> CountBansSinceAsync(BanTarget target, DateTimeOffset since, bool includeDryRun = false, CancellationToken cancellationToken = default) =>
        RunAsync(async (c, ct) =>
        {
            await using var cmd = Command(c, null,
                "SELECT count(*) FROM bans WHERE address = @address AND prefix_len = @prefix AND started_ms >= @since AND (dry_run = FALSE OR @dry = TRUE)");
            BindTarget(cmd, target);
            cmd.Parameters.AddWithValue("since", since.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("dry", includeDryRun);
            return (int)ToLong(await cmd.ExecuteScalarAsync(ct));
        }, cancellationToken);

    /// <summary>Inserts the bans and announces each new, enforceable one; the NOTIFY is delivered when the transaction commits.</summary>
    private static async Task InsertBansAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<BanRecord> bans, CancellationToken ct)
    {
        await using var insert = Command(c, tx, InsertBanSql);
        await using var notify = Command(c, tx, NotifySql);
        var uid = notify.Parameters.AddWithValue("uid", string.Empty);
        foreach (var ban in bans)
        {
            BindBan(insert, ban);
            var inserted = await insert.ExecuteNonQueryAsync(ct);

            // A retried write (already there) is not announced twice; a dry-run ban is never enforced anywhere.
            if (inserted > 0 && !ban.DryRun)
            {
                uid.Value = ban.Id.ToString("D");
                await notify.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private async Task<IReadOnlyList<StoredBan>> QueryBansAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        await RunAsync(async (c, ct) =>
        {
            await using var cmd = Command(c, null, sql);
            bind(cmd);
            return await ReadBansAsync(cmd, ct);
        }, cancellationToken);

    private static void BindBan(NpgsqlCommand cmd, BanRecord ban)
    {
        var p = cmd.Parameters;
        p.Clear();
        p.AddWithValue("uid", ban.Id.ToString("D"));
        p.AddWithValue("address", ban.Target.Address.ToString());
        p.AddWithValue("prefix", ban.Target.PrefixLength);
        p.AddWithValue("reason", ban.Reason);
        p.AddWithValue("detector", NpgsqlTypes.NpgsqlDbType.Text, ban.Detector is { } d ? ScanNames.Of(d) : DBNull.Value);
        p.AddWithValue("scan", ScanNames.Of(ban.Scan));
        p.AddWithValue("tool", ScanNames.Of(ban.Tool));
        p.AddWithValue("started", ban.StartedAt.ToUnixTimeMilliseconds());
        p.AddWithValue("expires", ban.ExpiresAt.ToUnixTimeMilliseconds());
        p.AddWithValue("level", ban.EscalationLevel);
        p.AddWithValue("origin", ban.OriginHost);
        p.AddWithValue("dry", ban.DryRun);
    }

    private static void BindBanEnd(NpgsqlCommand cmd, BanEnd end)
    {
        cmd.Parameters.Clear();
        cmd.Parameters.AddWithValue("ended", end.EndedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("reason", StorageNames.Of(end.Reason));
        cmd.Parameters.AddWithValue("uid", end.BanId.ToString("D"));
    }

    private static void BindTarget(NpgsqlCommand cmd, BanTarget target)
    {
        cmd.Parameters.AddWithValue("address", target.Address.ToString());
        cmd.Parameters.AddWithValue("prefix", target.PrefixLength);
    }

    private static async Task<IReadOnlyList<StoredBan>> ReadBansAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<StoredBan>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(StoredRows.Ban(r));
        }

        return list;
    }
}
