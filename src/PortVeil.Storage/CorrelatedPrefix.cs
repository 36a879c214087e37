using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>
/// An IPv4 /24 or IPv6 /64 whose many sources each failed lightly on several fleet hosts in one window: a distributed
/// scan no single host and no single source reveals. One row per (source, host), with what that host saw.
/// </summary>
public sealed record CorrelatedPrefix
{
    /// <summary>The network address of the prefix (host bits zero).</summary>
    public required NetAddress Network { get; init; }

    /// <summary>24 (IPv4) or 64 (IPv6).</summary>
    public required int Length { get; init; }

    /// <summary>Every (source, host) pair with failures in the window, ordered by source then host.</summary>
    public required IReadOnlyList<CorrelatedMember> Rows { get; init; }
}
