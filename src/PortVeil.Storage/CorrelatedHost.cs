namespace PortVeil.Storage;

/// <summary>What one fleet host saw of a source in a correlation window: its failed probes and which ports.</summary>
public sealed record CorrelatedHost
{
    public required string Host { get; init; }

    /// <summary>Probes the host counted as failures (unserved ports, tripwires, fingerprint drops, stealth flags).</summary>
    public required long Failures { get; init; }

    /// <summary>The largest per-minute distinct port count the host recorded (a lower bound over the window).</summary>
    public required int DistinctPorts { get; init; }

    /// <summary>A sample of the probed ports (at most 8 per minute row, merged over the window).</summary>
    public required IReadOnlyList<ushort> Ports { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }

    public required DateTimeOffset LastSeen { get; init; }
}
