namespace PortVeil.Enforcement.Policy;

/// <summary>Why a verdict did not lead to a ban.</summary>
public enum SkipReason : byte
{
    None = 0,

    /// <summary>The source (or a block it would ban) is on the allowlist; <see cref="BanDecision.AllowlistEntry"/> names the entry.</summary>
    Allowlisted,

    /// <summary>A ban budget is used up; <see cref="BanDecision.Budget"/> says which.</summary>
    BudgetExhausted,

    /// <summary>The verdict rests on a single probe from an address that never proved it is real.</summary>
    UnverifiedSingleProbe,

    /// <summary>The source, or its /24 or /64, is banned already.</summary>
    AlreadyBanned,

    /// <summary>The source is restricted already (decoy-cohort suspect) and nothing verified it since.</summary>
    AlreadyRestricted,
}
