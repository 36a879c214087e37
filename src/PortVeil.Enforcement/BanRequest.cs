using PortVeil.Core;

namespace PortVeil.Enforcement;

/// <summary>Ban <see cref="Source"/> (an IPv4 address, an IPv6 address or an IPv6 /64) for <see cref="Duration"/>.</summary>
public readonly record struct BanRequest(SourceKey Source, TimeSpan Duration);
