namespace PortVeil.Effectiveness.Protections;

/// <summary>No firewall: nothing is ever banned.</summary>
internal sealed class NoProtection : IProtection
{
    public ProtectionKind Kind => ProtectionKind.None;

    public Task<IReadOnlyList<string>> BannedAsync() => Task.FromResult<IReadOnlyList<string>>([]);

    public Task<IReadOnlyDictionary<string, BanEvidence>> EvidenceAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, BanEvidence>>(new Dictionary<string, BanEvidence>());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
