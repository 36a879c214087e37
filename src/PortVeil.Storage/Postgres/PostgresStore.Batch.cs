namespace PortVeil.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>Writes the whole batch in one transaction (bans, ban ends, incidents, events); its NOTIFYs go out at commit.</summary>
    public Task WriteBatchAsync(StorageBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync(async (c, ct) =>
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            if (batch.Bans.Count > 0)
            {
                await InsertBansAsync(c, tx, batch.Bans, ct);
            }

            if (batch.BanEnds.Count > 0)
            {
                await using var cmd = Command(c, tx, EndBanSql);
                foreach (var end in batch.BanEnds)
                {
                    BindBanEnd(cmd, end);
                    await cmd.ExecuteScalarAsync(ct);
                }
            }

            if (batch.Incidents.Count > 0)
            {
                await using var cmd = Command(c, tx, InsertIncidentSql);
                foreach (var incident in batch.Incidents)
                {
                    BindIncident(cmd, incident);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
            }

            await WriteEventsAsync(c, tx, batch.Events, ct);
            await tx.CommitAsync(ct);
            return 0;
        }, cancellationToken);
    }
}
