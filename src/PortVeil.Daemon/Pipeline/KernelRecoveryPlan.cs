using PortVeil.Enforcement;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// What <see cref="KernelBanRecovery.PlanAsync"/> found among the kernel bans no active record covers: this host's
/// lost bans to record; other hosts' bans imported here, left as they are (their rows keep their origin host); and
/// other hosts' bans an operator lifted while this host was down, to take out of the kernel.
/// </summary>
internal sealed record KernelRecoveryPlan(
    IReadOnlyList<BanRecord> Records,
    IReadOnlyList<(ActiveBan Element, StoredBan Record)> Foreign,
    IReadOnlyList<(ActiveBan Element, StoredBan Record)> Lifted);
