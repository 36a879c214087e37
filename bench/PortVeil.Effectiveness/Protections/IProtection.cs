namespace PortVeil.Effectiveness.Protections;

/// <summary>A protection applied to a lab server: what it has banned, and why (when it keeps evidence).</summary>
internal interface IProtection : IAsyncDisposable
{
    ProtectionKind Kind { get; }

    /// <summary>Addresses the kernel drops right now because of this protection.</summary>
    Task<IReadOnlyList<string>> BannedAsync();

    /// <summary>The evidence behind each ban, per source address; empty for protections that keep none.</summary>
    Task<IReadOnlyDictionary<string, BanEvidence>> EvidenceAsync();
}
