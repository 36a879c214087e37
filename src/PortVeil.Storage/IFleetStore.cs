using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>What a fleet member records about bans made by other hosts (schema version 4).</summary>
public interface IFleetStore
{
    /// <summary>Records (or replaces) what this host did with another host's ban.</summary>
    Task RecordFleetImportAsync(FleetImport import, CancellationToken cancellationToken = default);

    /// <summary>What every host did with one ban, oldest decision first.</summary>
    Task<IReadOnlyList<FleetImport>> ListFleetImportsAsync(Guid banId, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many distinct hosts recorded an incident of <paramref name="source"/> decided at or after
    /// <paramref name="since"/> (the fleet consensus count).
    /// </summary>
    Task<int> CountReportingHostsAsync(SourceKey source, DateTimeOffset since, CancellationToken cancellationToken = default);
}
