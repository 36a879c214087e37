using PortVeil.Core;

namespace PortVeil.Enforcement;

/// <summary>
/// A ban as the kernel holds it: its full timeout, the time left (whole seconds, as nft reports it), and how many
/// packets and bytes it has dropped (per-element counters; 0 when counters are off). <see cref="ByReflex"/>: the
/// kernel's reflex meter made it from the packet path, not the daemon. <see cref="Restricted"/>: not a ban but a
/// suspect restriction (decoy cohort): only raw-scanner traffic from the source is dropped.
/// </summary>
public readonly record struct ActiveBan(SourceKey Source, TimeSpan Timeout, TimeSpan Remaining, long Packets, long Bytes, bool ByReflex = false, bool Restricted = false);
