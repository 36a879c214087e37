namespace PortVeil.Storage;

/// <summary>Bans: what is active now, what happened before, and how often a source was banned (escalation).</summary>
/// <remarks>
/// Implementations throw <see cref="StorageException"/> naming the database and what to do; they never swallow
/// errors, because <see cref="EventWriter"/> is the one place that retries.
/// </remarks>
public interface IBanStore
{
    /// <summary>Records a ban. Writing the same <see cref="BanRecord.Id"/> twice keeps the first (retries are safe).</summary>
    Task RecordBanAsync(BanRecord ban, CancellationToken cancellationToken = default);

    /// <summary>Ends an active ban; false when it was unknown or had already ended.</summary>
    Task<bool> EndBanAsync(BanEnd banEnd, CancellationToken cancellationToken = default);

    /// <summary>Marks every ban whose expiry is at or before <paramref name="now"/> as expired; returns how many.</summary>
    Task<int> ExpireBansAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Bans not ended and not expired at <paramref name="now"/>, oldest first, dry-run ones included (check
    /// <see cref="BanRecord.DryRun"/> before restoring them into the kernel).
    /// </summary>
    Task<IReadOnlyList<StoredBan>> ListActiveBansAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The bans of one target, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredBan>> ListBanHistoryAsync(BanTarget target, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Every ban started at or after <paramref name="since"/>, oldest first (the daemon loads its escalation memory from it at start).</summary>
    Task<IReadOnlyList<StoredBan>> ListBansStartedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every ban ended explicitly (unbanned, allowlisted, superseded; expiries included) at or after
    /// <paramref name="since"/>, oldest end first: the running daemon learns of unbans made by the CLI from it.
    /// </summary>
    Task<IReadOnlyList<StoredBan>> ListBansEndedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    Task<StoredBan?> FindBanAsync(Guid banId, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many bans of <paramref name="target"/> started at or after <paramref name="since"/> (fail2ban
    /// bantime.increment's look-back). The policy computes duration = base × factor^count; storage only counts.
    /// Dry-run bans count only when <paramref name="includeDryRun"/> is true.
    /// </summary>
    Task<int> CountBansSinceAsync(BanTarget target, DateTimeOffset since, bool includeDryRun = false, CancellationToken cancellationToken = default);
}
