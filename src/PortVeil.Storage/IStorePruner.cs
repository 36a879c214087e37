namespace PortVeil.Storage;

/// <summary>Keeps the database bounded: deletes old rows and caps row counts, never an active ban.</summary>
public interface IStorePruner
{
    Task<PruneResult> PruneAsync(RetentionOptions retention, DateTimeOffset now, CancellationToken cancellationToken = default);
}
