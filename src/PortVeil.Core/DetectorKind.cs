namespace PortVeil.Core;

/// <summary>Which detector reached a verdict.</summary>
public enum DetectorKind : byte
{
    WindowThreshold = 1,
    Trw,
    SlowScan,
    StealthFlags,
    Tripwire,
    Sweep,
    Distributed,
}
