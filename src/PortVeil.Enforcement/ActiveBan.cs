using PortVeil.Core;

namespace PortVeil.Enforcement;

/// <summary>
/// A ban as the kernel holds it: its full timeout, the time left (whole seconds, as nft reports it), and how many
/// packets and bytes it has dropped (per-element counters; 0 when counters are off).
/// </summary>
public readonly record struct ActiveBan(SourceKey Source, TimeSpan Timeout, TimeSpan Remaining, long Packets, long Bytes);
