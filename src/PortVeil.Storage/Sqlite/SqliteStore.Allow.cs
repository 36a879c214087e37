using Microsoft.Data.Sqlite;
using PortVeil.Core;

namespace PortVeil.Storage.Sqlite;

public sealed partial class SqliteStore
{
    public Task<bool> AddAllowAsync(AllowRecord entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var added = Run(c =>
        {
            using var tx = c.BeginTransaction(deferred: false);
            using var exists = Command(c, tx, "SELECT count(*) FROM allow_entries WHERE address = @address AND prefix_len = @prefix");
            BindTarget(exists, entry.Block);
            var isNew = ExecuteCount(exists) == 0;
            using var cmd = Command(
                c,
                tx,
                "INSERT INTO allow_entries (address, prefix_len, comment, added_ms, origin_host) VALUES (@address, @prefix, @comment, @added, @origin) " +
                "ON CONFLICT (address, prefix_len) DO UPDATE SET comment = excluded.comment");
            BindTarget(cmd, entry.Block);
            cmd.Parameters.AddWithValue("@comment", DbNullable(entry.Comment));
            cmd.Parameters.AddWithValue("@added", entry.AddedAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("@origin", entry.OriginHost);
            cmd.ExecuteNonQuery();
            tx.Commit();
            return isNew;
        }, cancellationToken);
        return Task.FromResult(added);
    }

    public Task<bool> RemoveAllowAsync(BanTarget block, CancellationToken cancellationToken = default)
    {
        var removed = Run(c =>
        {
            using var cmd = Command(c, null, "DELETE FROM allow_entries WHERE address = @address AND prefix_len = @prefix");
            BindTarget(cmd, block);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
        return Task.FromResult(removed > 0);
    }

    public Task<IReadOnlyList<AllowRecord>> ListAllowAsync(CancellationToken cancellationToken = default)
    {
        var list = Run(c =>
        {
            using var cmd = Command(c, null, "SELECT address, prefix_len, comment, added_ms, origin_host FROM allow_entries ORDER BY added_ms, id");
            return ReadAllow(cmd);
        }, cancellationToken);
        return Task.FromResult<IReadOnlyList<AllowRecord>>(list);
    }

    private static List<AllowRecord> ReadAllow(SqliteCommand cmd)
    {
        var list = new List<AllowRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new AllowRecord
            {
                Block = new BanTarget(NetAddress.Parse(r.GetString(0)), r.GetInt32(1)),
                Comment = r.IsDBNull(2) ? null : r.GetString(2),
                AddedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
                OriginHost = r.GetString(4),
            });
        }

        return list;
    }
}
