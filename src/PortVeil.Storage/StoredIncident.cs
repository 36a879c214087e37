using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>An incident read back: the verdict rebuilt from its columns and its evidence JSON.</summary>
public sealed record StoredIncident
{
    public required Guid Id { get; init; }

    public required Verdict Verdict { get; init; }

    public Guid? BanId { get; init; }

    public required string OriginHost { get; init; }
}
