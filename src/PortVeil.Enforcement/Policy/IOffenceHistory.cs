using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Enforcement.Policy;

/// <summary>
/// Past bans per target, so escalation (1 h, 2 h, 4 h …) survives a restart. The SQLite store implements it on its
/// ban history table; <see cref="InMemoryOffenceHistory"/> serves tests and runs without storage.
/// </summary>
/// <remarks>
/// Implementers: both calls come from the policy's single decision thread and must not block for long (a ban waits
/// on them); an implementation that fails should return what it knows (0 offences) rather than throw, because a
/// storage outage must never block a ban.
/// </remarks>
public interface IOffenceHistory
{
    /// <summary>Offences recorded for exactly <paramref name="target"/> at or after <paramref name="since"/>.</summary>
    int CountOffences(NetPrefix target, DateTimeOffset since);

    /// <summary>Records one ban of <paramref name="target"/> made at <paramref name="at"/> for <paramref name="duration"/>.</summary>
    void RecordOffence(NetPrefix target, DateTimeOffset at, TimeSpan duration);
}
