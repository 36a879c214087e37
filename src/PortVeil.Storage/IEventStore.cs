using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>Aggregated events: per source, per minute, per protocol and tag (never one row per packet).</summary>
public interface IEventStore
{
    /// <summary>
    /// Adds each aggregate to its (source, minute, protocol, tag) row in one transaction: packet counts add up,
    /// first/last widen, distinct ports keep the larger value.
    /// </summary>
    Task AddEventsAsync(IReadOnlyList<EventAggregate> aggregates, CancellationToken cancellationToken = default);

    /// <summary>Rows whose minute starts in [<paramref name="since"/>, <paramref name="until"/>), optionally of one source, oldest first.</summary>
    Task<IReadOnlyList<EventAggregate>> ListEventsAsync(DateTimeOffset since, DateTimeOffset until, NetAddress? source = null, int limit = 10_000, CancellationToken cancellationToken = default);
}
