using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Daemon.Operations;

/// <summary>
/// One active ban as an operator sees it: the stored record (why, by what, until when) joined with the kernel
/// element that enforces it (set, time left, packets dropped). A kernel element without a record (a reflex ban made
/// in the packet path, or a member of an IPv4 subnet ban) is listed too, with what is known of it.
/// </summary>
public sealed record OperatorBan
{
    public required NetPrefix Target { get; init; }

    /// <summary>"manual" (an operator), "detector" (the daemon's detectors), "reflex" (the kernel's reflex meter) or "kernel" (an element without a record).</summary>
    public required string Origin { get; init; }

    public Guid? BanId { get; init; }

    /// <summary>The host that recorded the ban (on a fleet's shared PostgreSQL, tells hosts apart); null for a kernel element without a record.</summary>
    public string? OriginHost { get; init; }

    public required string Reason { get; init; }

    public DetectorKind? Detector { get; init; }

    public ScanKind Scan { get; init; }

    public ScannerTool Tool { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the ban ends: the record's expiry, or for a kernel-only element now + its time left.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public int EscalationLevel { get; init; }

    /// <summary>Dry-run record: nothing is in the kernel on purpose.</summary>
    public bool DryRun { get; init; }

    /// <summary>The kernel set holding it (banned4, banned6, banned6_64, reflex_banned4, reflex_banned6); null when not in the kernel.</summary>
    public string? KernelSet { get; init; }

    /// <summary>Time left on the kernel element (whole seconds, as nft reports it).</summary>
    public TimeSpan? KernelRemaining { get; init; }

    /// <summary>Packets the element has dropped (per-element counters; 0 when counters are off).</summary>
    public long PacketsDropped { get; init; }

    public bool InKernel => KernelSet is not null;
}
