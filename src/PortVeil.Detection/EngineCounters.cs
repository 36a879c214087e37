namespace PortVeil.Detection;

/// <summary>What the engine has done so far; plain fields read by metrics at scrape time.</summary>
public sealed class EngineCounters
{
    /// <summary>Packet events processed.</summary>
    public long Events { get; internal set; }

    public long Verdicts { get; internal set; }

    /// <summary>Live sources pushed out of a full bucket (expired entries reused are not counted).</summary>
    public long Evictions { get; internal set; }

    /// <summary>Events ignored: loopback/unspecified sources, allowlisted sources.</summary>
    public long Ignored { get; internal set; }

    /// <summary>Entries whose retention ran out and were reused or cleared.</summary>
    public long Expired { get; internal set; }
}
