using PortVeil.Core;

namespace PortVeil.Storage.Postgres;

public sealed partial class PostgresStore
{
    public Task<bool> AddAllowAsync(AllowRecord entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return RunAsync(async (c, ct) =>
        {
            // xmax = 0 only on a freshly inserted row: tells "new block" from "comment replaced" in one statement.
            await using var cmd = Command(
                c,
                null,
                "INSERT INTO allow_entries (address, prefix_len, comment, added_ms, origin_host) VALUES (@address, @prefix, @comment, @added, @origin) " +
                "ON CONFLICT (address, prefix_len) DO UPDATE SET comment = excluded.comment RETURNING (xmax = 0)");
            BindTarget(cmd, entry.Block);
            cmd.Parameters.AddWithValue("comment", NpgsqlTypes.NpgsqlDbType.Text, DbNullable(entry.Comment));
            cmd.Parameters.AddWithValue("added", entry.AddedAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("origin", entry.OriginHost);
            return (bool)(await cmd.ExecuteScalarAsync(ct))!;
        }, cancellationToken);
    }

    public Task<bool> RemoveAllowAsync(BanTarget block, CancellationToken cancellationToken = default) =>
        RunAsync(async (c, ct) =>
        {
            await using var cmd = Command(c, null, "DELETE FROM allow_entries WHERE address = @address AND prefix_len = @prefix");
            BindTarget(cmd, block);
            return await cmd.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);

    public Task<IReadOnlyList<AllowRecord>> ListAllowAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<AllowRecord>>(async (c, ct) =>
        {
            await using var cmd = Command(c, null, "SELECT address, prefix_len, comment, added_ms, origin_host FROM allow_entries ORDER BY added_ms, id");
            var list = new List<AllowRecord>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
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
        }, cancellationToken);
}
