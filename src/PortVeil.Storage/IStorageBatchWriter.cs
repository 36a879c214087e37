namespace PortVeil.Storage;

/// <summary>Writes a mixed batch in one transaction: all of it or none of it. What <see cref="EventWriter"/> drains into.</summary>
/// <remarks>
/// Implementations let exceptions propagate as <see cref="StorageException"/> with a
/// <see cref="StorageException.Kind"/>, so the writer can tell an outage (retry later) from a bad record (set
/// it aside).
/// </remarks>
public interface IStorageBatchWriter
{
    Task WriteBatchAsync(StorageBatch batch, CancellationToken cancellationToken = default);
}
