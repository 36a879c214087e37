using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Enforcement.Policy;

/// <summary>
/// The policy's answer to one verdict: ban an address, ban a subnet, or skip, with a sentence the user can read.
/// The daemon enforces it when <see cref="Enforce"/> is true, and records it either way.
/// </summary>
public sealed class BanDecision
{
    public required BanAction Action { get; init; }

    /// <summary>The verdict decided on.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>What is (or would be) banned: the address (/32, /128), or the /24 or /64 of a subnet ban. For a skip, the source.</summary>
    public required NetPrefix Target { get; init; }

    public required DateTimeOffset DecidedAt { get; init; }

    /// <summary>True when the policy runs in dry-run mode: this is what it would do, and nothing is enforced.</summary>
    public bool DryRun { get; init; }

    public SkipReason SkipReason { get; init; }

    /// <summary>The allowlist entry that protected the source (or the subnet), for <see cref="SkipReason.Allowlisted"/>.</summary>
    public AllowlistEntry? AllowlistEntry { get; init; }

    public BanBudget Budget { get; init; }

    /// <summary>Ban length (escalated and capped, jitter included); zero for a skip.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Earlier offences of the target within the offence memory: 0 for a first ban, n for the (n+1)-th.</summary>
    public int EscalationLevel { get; init; }

    /// <summary>For a subnet ban: the banned members that made it (this verdict's source included).</summary>
    public IReadOnlyList<NetAddress> Members { get; init; } = [];

    /// <summary>One sentence for people, e.g. "ban 203.0.113.7 for 2 h (2nd offence in 30 days)".</summary>
    public required string Explanation { get; init; }

    public DateTimeOffset ExpiresAt => DecidedAt + Duration;

    /// <summary>True when the daemon must put <see cref="Target"/> into the kernel ban set.</summary>
    public bool Enforce => Action != BanAction.Skip && !DryRun;

    public override string ToString() => Explanation;
}
