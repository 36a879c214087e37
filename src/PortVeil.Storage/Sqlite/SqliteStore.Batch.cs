namespace PortVeil.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <summary>Writes the whole batch in one transaction (bans, ban ends, incidents, events, in that order).</summary>
    public Task WriteBatchAsync(StorageBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return Task.CompletedTask;
        }

        Run(c =>
        {
            using var tx = c.BeginTransaction(deferred: false);
            if (batch.Bans.Count > 0)
            {
                using var cmd = InsertBanCommand(c, tx);
                foreach (var ban in batch.Bans)
                {
                    BindBan(cmd, ban);
                    cmd.ExecuteNonQuery();
                }
            }

            if (batch.BanEnds.Count > 0)
            {
                using var cmd = EndBanCommand(c, tx);
                foreach (var end in batch.BanEnds)
                {
                    BindBanEnd(cmd, end);
                    cmd.ExecuteNonQuery();
                }
            }

            if (batch.Incidents.Count > 0)
            {
                using var cmd = InsertIncidentCommand(c, tx);
                foreach (var incident in batch.Incidents)
                {
                    BindIncident(cmd, incident);
                    cmd.ExecuteNonQuery();
                }
            }

            WriteEvents(c, tx, batch.Events);
            tx.Commit();
            return 0;
        }, cancellationToken);
        return Task.CompletedTask;
    }
}
