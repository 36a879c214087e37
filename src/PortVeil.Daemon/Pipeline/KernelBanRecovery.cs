using PortVeil.Enforcement;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Makes "every ban in the kernel is in the database" true after an unclean stop. The ban loop puts a ban into the
/// kernel first and only then queues its record (a storage outage must never delay a ban), and the writer commits
/// within about half a second; a `kill -9` in that window leaves a kernel element without a record. The kernel
/// table outlives the process, so at start every daemon-made element (not the reflex meter's) that no active
/// record covers gets a reconstructed record: started now, expiring when the kernel element expires.
/// </summary>
/// <remarks>
/// A target whose latest record was ended by an operator (unbanned, allowlisted) is left alone: that element is
/// the operator's leftover, not a lost ban, and recording it again would undo their decision. So is an element
/// that expires with the target's latest record (see <see cref="SameBanTolerance"/>): recording it again would
/// count one offence twice for escalation.
/// </remarks>
internal static class KernelBanRecovery
{
    /// <summary>The reason a reconstructed record carries (restrictions keep <see cref="RestrictionRecords.ReasonPrefix"/> in front).</summary>
    public const string Reason = "recovered from the kernel at start: the ban was in the kernel set but its record had not reached the database (unclean stop)";

    /// <summary>
    /// A kernel element expiring within this of the target's latest record is that record's ban, not a lost one:
    /// kernel timeouts are whole seconds rounded up and listed rounded down, so an element can outlive its record by
    /// up to a second (plus the few milliseconds between the decision and the kernel call).
    /// </summary>
    public static readonly TimeSpan SameBanTolerance = TimeSpan.FromSeconds(2);

    /// <summary>The records to write for kernel bans no stored active ban covers (one host's own database).</summary>
    public static async Task<IReadOnlyList<BanRecord>> FindUnrecordedAsync(
        IBanStore store, IReadOnlyList<ActiveBan> kernel, string host, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await PlanAsync(store, kernel, host, now, sharedDatabase: false, cancellationToken).ConfigureAwait(false)).Records;

    /// <summary>
    /// What to do with kernel bans no stored active ban covers. On a database a fleet shares
    /// (<paramref name="sharedDatabase"/>), an element whose target's latest record was made by another host is that
    /// host's ban as imported here: it is never recorded as this host's (its row, with its origin host, stays the
    /// record; a clock ahead on the origin may have ended it early), and when an operator lifted it while this host
    /// was down (unbanned, allowlisted) the element is to be removed.
    /// </summary>
    public static async Task<KernelRecoveryPlan> PlanAsync(
        IBanStore store, IReadOnlyList<ActiveBan> kernel, string host, DateTimeOffset now, bool sharedDatabase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kernel);
        var active = await store.ListActiveBansAsync(now, cancellationToken).ConfigureAwait(false);
        // Hashed by target, with the few prefix lengths in use: 262 144 elements per set stay a linear pass.
        var covering = new HashSet<BanTarget>(active.Count);
        var lengths = new SortedSet<int>();
        foreach (var stored in active)
        {
            if (!stored.Ban.DryRun)
            {
                covering.Add(stored.Ban.Target);
                lengths.Add(stored.Ban.Target.PrefixLength);
            }
        }

        var found = new List<BanRecord>();
        var foreign = new List<(ActiveBan Element, StoredBan Record)>();
        var lifted = new List<(ActiveBan Element, StoredBan Record)>();
        foreach (var ban in kernel)
        {
            if (ban.ByReflex || ban.Remaining <= TimeSpan.Zero || Covered(covering, lengths, ban))
            {
                continue;
            }

            var target = BanTarget.ForSource(ban.Source);
            var history = await store.ListBanHistoryAsync(target, 1, cancellationToken).ConfigureAwait(false);
            if (sharedDatabase && history.Count > 0 && !string.Equals(history[0].Ban.OriginHost, host, StringComparison.Ordinal))
            {
                (history[0].EndReason is BanEndReason.Unbanned or BanEndReason.Allowlisted ? lifted : foreign).Add((ban, history[0]));
                continue;
            }

            if (history.Count > 0 && (history[0].EndReason is BanEndReason.Unbanned or BanEndReason.Allowlisted
                                      || (now + ban.Remaining - history[0].Ban.ExpiresAt).Duration() <= SameBanTolerance))
            {
                continue;
            }

            found.Add(new BanRecord
            {
                Id = Guid.CreateVersion7(),
                Target = target,
                Reason = ban.Restricted ? RestrictionRecords.ReasonPrefix + target + ": " + Reason : Reason,
                StartedAt = now,
                ExpiresAt = now + ban.Remaining,
                OriginHost = host,
            });
        }

        return new KernelRecoveryPlan(found, foreign, lifted);
    }

    private static bool Covered(HashSet<BanTarget> covering, SortedSet<int> lengths, ActiveBan ban)
    {
        var address = ban.Source.Address;
        var length = ban.Source.PrefixLength;
        foreach (var prefixLength in lengths)
        {
            // A stored /24 covers its /24 element and its members' elements; a stored /64 the same for IPv6.
            if (prefixLength <= length && covering.Contains(new BanTarget(address, prefixLength)))
            {
                return true;
            }
        }

        return false;
    }
}
