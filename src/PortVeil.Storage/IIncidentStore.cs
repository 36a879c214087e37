using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>Incidents: each verdict with its full evidence, for `explain`, `incidents` and `report`.</summary>
public interface IIncidentStore
{
    /// <summary>Records an incident. Writing the same <see cref="IncidentRecord.Id"/> twice keeps the first.</summary>
    Task RecordIncidentAsync(IncidentRecord incident, CancellationToken cancellationToken = default);

    /// <summary>Incidents decided in [<paramref name="since"/>, <paramref name="until"/>), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredIncident>> ListIncidentsAsync(DateTimeOffset since, DateTimeOffset until, int limit = 1000, CancellationToken cancellationToken = default);

    /// <summary>The incidents of one source, newest first.</summary>
    Task<IReadOnlyList<StoredIncident>> ListIncidentsBySourceAsync(SourceKey source, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>The incidents that led to one ban (what `explain ban` prints).</summary>
    Task<IReadOnlyList<StoredIncident>> ListIncidentsByBanAsync(Guid banId, CancellationToken cancellationToken = default);
}
