using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>A ban as the policy decided it, written once. Its end is written later as a <see cref="BanEnd"/>.</summary>
/// <remarks>
/// <see cref="Id"/> is made by the producer (<see cref="Guid.CreateVersion7()"/>), not by the database, so an
/// incident can name its ban before either reached the disk, a retried batch writes the ban once, and a ban
/// imported from another host (fleet mode) keeps its identity.
/// </remarks>
public sealed record BanRecord
{
    public required Guid Id { get; init; }

    public required BanTarget Target { get; init; }

    /// <summary>One line a person reads, e.g. "trw: 5 failures, 0 successes (nmap)".</summary>
    public required string Reason { get; init; }

    /// <summary>The detector behind the ban; null for manual bans (`portveil bans add`).</summary>
    public DetectorKind? Detector { get; init; }

    public ScanKind Scan { get; init; }

    public ScannerTool Tool { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>0 for a first ban; n when the source had n earlier bans within the look-back (duration = base × factor^n).</summary>
    public int EscalationLevel { get; init; }

    /// <summary>Host name of the PortVeil that decided the ban (fleet mode imports keep the original).</summary>
    public required string OriginHost { get; init; }

    /// <summary>True when dry-run mode only recorded what it would have banned; nothing went into the kernel.</summary>
    public bool DryRun { get; init; }
}
