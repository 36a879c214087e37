namespace PortVeil.Enforcement.Policy;

/// <summary>What the policy decided so far, by outcome (a snapshot; real and dry-run decisions are counted apart).</summary>
public readonly record struct PolicyCounters(
    long Decisions,
    long Bans,
    long SubnetBans,
    long SkippedAllowlisted,
    long SkippedUnverified,
    long SkippedAlreadyBanned,
    long SkippedSubnetBudget,
    long SkippedRateBudget,
    long SkippedConcurrentBudget)
{
    /// <summary>Every skip because a budget was used up: the number to alert on during a spoofed flood.</summary>
    public long SkippedBudget => SkippedSubnetBudget + SkippedRateBudget + SkippedConcurrentBudget;
}
