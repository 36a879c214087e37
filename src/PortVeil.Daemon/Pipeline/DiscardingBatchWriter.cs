using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// A storage target that drops every batch: the ban path's warm-up (<see cref="BanPathWarmUp"/>) writes its
/// rehearsal bans and incidents through a real <see cref="EventWriter"/> into this, so nothing reaches the database.
/// </summary>
internal sealed class DiscardingBatchWriter : IStorageBatchWriter
{
    private long _batches;

    /// <summary>Batches received and dropped.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public Task WriteBatchAsync(StorageBatch batch, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _batches);
        return Task.CompletedTask;
    }
}
