using PortVeil.Core;

namespace PortVeil.Enforcement;

/// <summary>Makes bans real in the kernel.</summary>
/// <remarks>
/// Implementations apply each call as one transaction (all bans of a batch or none), let bans expire in the kernel
/// even when the daemon is gone, and never touch anything they do not own. Failures throw; the caller keeps the
/// ban in storage and retries.
/// </remarks>
public interface IBanEnforcer
{
    /// <summary>Creates (or repairs) the kernel objects bans live in; keeps existing bans.</summary>
    Task EnsureTableAsync(CancellationToken cancellationToken = default);

    /// <summary>Bans every source in one transaction; a source already banned gets the new duration.</summary>
    Task BanAsync(IReadOnlyList<BanRequest> bans, CancellationToken cancellationToken = default);

    /// <summary>
    /// Restricts every source in one transaction (decoy-cohort suspects): only raw-scanner traffic from them is
    /// dropped, a real host's own stack still connects. A source already restricted gets the new duration.
    /// </summary>
    Task RestrictAsync(IReadOnlyList<BanRequest> suspects, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="BanAsync"/> for a dedicated thread that must not hop: returns when the kernel has the bans. The
    /// default waits for <see cref="BanAsync"/>; <see cref="Nftables.NftEnforcer"/> runs the transaction on the
    /// calling thread.
    /// </summary>
    void Ban(IReadOnlyList<BanRequest> bans) => BanAsync(bans).GetAwaiter().GetResult();

    /// <summary>Lifts the bans and restrictions of every source in one transaction; sources not banned are ignored.</summary>
    Task UnbanAsync(IReadOnlyList<SourceKey> sources, CancellationToken cancellationToken = default);

    /// <summary>The bans (and restrictions, marked <see cref="ActiveBan.Restricted"/>) the kernel holds now.</summary>
    Task<IReadOnlyList<ActiveBan>> ListAsync(CancellationToken cancellationToken = default);
}
