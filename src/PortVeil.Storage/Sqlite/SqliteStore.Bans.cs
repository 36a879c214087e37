using Microsoft.Data.Sqlite;
using PortVeil.Core;

namespace PortVeil.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string BanColumns =
        "ban_uid, address, prefix_len, reason, detector, scan, tool, started_ms, expires_ms, escalation_level, origin_host, dry_run, ended_ms, end_reason";

    private const string InsertBanSql =
        "INSERT INTO bans (ban_uid, address, prefix_len, reason, detector, scan, tool, started_ms, expires_ms, escalation_level, origin_host, dry_run) " +
        "VALUES (@uid, @address, @prefix, @reason, @detector, @scan, @tool, @started, @expires, @level, @origin, @dry) ON CONFLICT (ban_uid) DO NOTHING";

    private const string EndBanSql =
        "UPDATE bans SET ended_ms = @ended, end_reason = @reason WHERE ban_uid = @uid AND ended_ms IS NULL";

    public Task RecordBanAsync(BanRecord ban, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ban);
        Run(c =>
        {
            using var cmd = InsertBanCommand(c, null);
            BindBan(cmd, ban);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
        return Task.CompletedTask;
    }

    public Task<bool> EndBanAsync(BanEnd banEnd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(banEnd);
        var changed = Run(c =>
        {
            using var cmd = EndBanCommand(c, null);
            BindBanEnd(cmd, banEnd);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
        return Task.FromResult(changed > 0);
    }

    public Task<int> ExpireBansAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var changed = Run(c =>
        {
            using var cmd = Command(c, null, "UPDATE bans SET ended_ms = expires_ms, end_reason = @reason WHERE ended_ms IS NULL AND expires_ms <= @now");
            cmd.Parameters.AddWithValue("@reason", StorageNames.Of(BanEndReason.Expired));
            cmd.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
        return Task.FromResult(changed);
    }

    public Task<IReadOnlyList<StoredBan>> ListActiveBansAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var bans = Run(c =>
        {
            using var cmd = Command(c, null, $"SELECT {BanColumns} FROM bans WHERE ended_ms IS NULL AND expires_ms > @now ORDER BY started_ms, id");
            cmd.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            return ReadBans(cmd);
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<StoredBan>>(bans);
    }

    public Task<IReadOnlyList<StoredBan>> ListBanHistoryAsync(BanTarget target, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var bans = Run(c =>
        {
            using var cmd = Command(c, null, $"SELECT {BanColumns} FROM bans WHERE address = @address AND prefix_len = @prefix ORDER BY started_ms DESC, id DESC LIMIT @limit");
            BindTarget(cmd, target);
            cmd.Parameters.AddWithValue("@limit", limit);
            return ReadBans(cmd);
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<StoredBan>>(bans);
    }

    public Task<IReadOnlyList<StoredBan>> ListBansStartedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var bans = Run(c =>
        {
            using var cmd = Command(c, null, $"SELECT {BanColumns} FROM bans WHERE started_ms >= @since ORDER BY started_ms, id");
            cmd.Parameters.AddWithValue("@since", since.ToUnixTimeMilliseconds());
            return ReadBans(cmd);
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<StoredBan>>(bans);
    }

    public Task<IReadOnlyList<StoredBan>> ListBansEndedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var bans = Run(c =>
        {
            using var cmd = Command(c, null, $"SELECT {BanColumns} FROM bans WHERE ended_ms >= @since ORDER BY ended_ms, id");
            cmd.Parameters.AddWithValue("@since", since.ToUnixTimeMilliseconds());
            return ReadBans(cmd);
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<StoredBan>>(bans);
    }

    public Task<StoredBan?> FindBanAsync(Guid banId, CancellationToken cancellationToken = default)
    {
        var bans = Run(c =>
        {
            using var cmd = Command(c, null, $"SELECT {BanColumns} FROM bans WHERE ban_uid = @uid");
            cmd.Parameters.AddWithValue("@uid", banId.ToString("D"));
            return ReadBans(cmd);
        }, cancellationToken);
        return Task.FromResult(bans.Count > 0 ? bans[0] : null);
    }

    public Task<int> CountBansSinceAsync(BanTarget target, DateTimeOffset since, bool includeDryRun = false, CancellationToken cancellationToken = default)
    {
        var count = Run(c =>
        {
            using var cmd = Command(
                c,
                null,
                "SELECT count(*) FROM bans WHERE address = @address AND prefix_len = @prefix AND started_ms >= @since AND (dry_run = FALSE OR @dry = TRUE)");
            BindTarget(cmd, target);
            cmd.Parameters.AddWithValue("@since", since.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("@dry", includeDryRun);
            return ExecuteCount(cmd);
        }, cancellationToken);
        return Task.FromResult((int)count);
    }

    private static SqliteCommand InsertBanCommand(SqliteConnection c, SqliteTransaction? tx)
    {
        var cmd = Command(c, tx, InsertBanSql);
        foreach (var name in (ReadOnlySpan<string>)["@uid", "@address", "@prefix", "@reason", "@detector", "@scan", "@tool", "@started", "@expires", "@level", "@origin", "@dry"])
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return cmd;
    }

    private static void BindBan(SqliteCommand cmd, BanRecord ban)
    {
        var p = cmd.Parameters;
        p[0].Value = ban.Id.ToString("D");
        p[1].Value = ban.Target.Address.ToString();
        p[2].Value = ban.Target.PrefixLength;
        p[3].Value = ban.Reason;
        p[4].Value = ban.Detector is { } d ? ScanNames.Of(d) : DBNull.Value;
        p[5].Value = ScanNames.Of(ban.Scan);
        p[6].Value = ScanNames.Of(ban.Tool);
        p[7].Value = ban.StartedAt.ToUnixTimeMilliseconds();
        p[8].Value = ban.ExpiresAt.ToUnixTimeMilliseconds();
        p[9].Value = ban.EscalationLevel;
        p[10].Value = ban.OriginHost;
        p[11].Value = ban.DryRun;
    }

    private static SqliteCommand EndBanCommand(SqliteConnection c, SqliteTransaction? tx)
    {
        var cmd = Command(c, tx, EndBanSql);
        cmd.Parameters.Add(new SqliteParameter { ParameterName = "@ended" });
        cmd.Parameters.Add(new SqliteParameter { ParameterName = "@reason" });
        cmd.Parameters.Add(new SqliteParameter { ParameterName = "@uid" });
        return cmd;
    }

    private static void BindBanEnd(SqliteCommand cmd, BanEnd end)
    {
        cmd.Parameters[0].Value = end.EndedAt.ToUnixTimeMilliseconds();
        cmd.Parameters[1].Value = StorageNames.Of(end.Reason);
        cmd.Parameters[2].Value = end.BanId.ToString("D");
    }

    private static void BindTarget(SqliteCommand cmd, BanTarget target)
    {
        cmd.Parameters.AddWithValue("@address", target.Address.ToString());
        cmd.Parameters.AddWithValue("@prefix", target.PrefixLength);
    }

    private static List<StoredBan> ReadBans(SqliteCommand cmd)
    {
        var list = new List<StoredBan>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(StoredRows.Ban(r));
        }

        return list;
    }
}
