namespace PortVeil.Effectiveness.Protections;

/// <summary>A protection applied to a lab server: what it has banned, and why (when it keeps evidence).</summary>
internal interface IProtection : IAsyncDisposable
{
    ProtectionKind Kind { get; }

    /// <summary>Addresses the kernel drops right now because of this protection (full bans only).</summary>
    Task<IReadOnlyList<string>> BannedAsync();

    /// <summary>Addresses under a restriction (PortVeil's decoy-cohort suspects: only raw-scanner traffic dropped); empty for the others.</summary>
    Task<IReadOnlyList<string>> RestrictedAsync() => Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>The (protocol, port) pairs the protection treats as served, as "udp/53"; empty for protections without discovery.</summary>
    Task<IReadOnlyList<string>> ServedAsync() => Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>The evidence behind each ban, per source address; empty for protections that keep none.</summary>
    Task<IReadOnlyDictionary<string, BanEvidence>> EvidenceAsync();
}
