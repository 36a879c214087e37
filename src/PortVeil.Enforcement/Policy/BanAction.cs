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
}
