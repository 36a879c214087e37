using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>A verdict with its full evidence, as it will be stored.</summary>
/// <remarks><see cref="Id"/> comes from the producer (<see cref="Guid.CreateVersion7()"/>) so retries write it once.</remarks>
public sealed record IncidentRecord
{
    public required Guid Id { get; init; }

    public required Verdict Verdict { get; init; }

    /// <summary>The ban this verdict led to; null in dry-run, when allowlisted, or below the ban policy.</summary>
    public Guid? BanId { get; init; }

    public required string OriginHost { get; init; }
}
