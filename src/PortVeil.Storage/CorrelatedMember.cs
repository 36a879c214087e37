using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>What one fleet host saw of one source of a <see cref="CorrelatedPrefix"/> in the correlation window.</summary>
public sealed record CorrelatedMember
{
    public required NetAddress Source { get; init; }

    public required string Host { get; init; }

    /// <summary>Probes the host counted as failures (unserved ports, tripwires, fingerprint drops, stealth flags).</summary>
    public required long Failures { get; init; }

    /// <summary>A sample of the probed ports (at most 8 per minute row, merged over the window).</summary>
    public required IReadOnlyList<ushort> Ports { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }

    public required DateTimeOffset LastSeen { get; init; }
}
