namespace PortVeil.Enforcement.Policy;

/// <summary>What the policy decided for a verdict.</summary>
public enum BanAction : byte
{
    /// <summary>Nothing is banned; <see cref="BanDecision.SkipReason"/> says why.</summary>
    Skip = 0,

    /// <summary>One address (/32 or /128) is banned.</summary>
    Ban,

    /// <summary>A whole /24 (IPv4) or /64 (IPv6) is banned.</summary>
    SubnetBan,

    /// <summary>
    /// One address is restricted, not banned: an unverified member of a decoy cohort. Only what a raw scanner sends
    /// from it is dropped (the suspect sets); a real host at the address still connects with its own stack.
    /// </summary>
    Restrict,
}
