using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Offence history for ban escalation that survives restarts: at start, every ban of the offence-memory window is
/// read from the store in one query; bans made while running are added in memory. A decision never waits on the
/// database (a per-target query on the ban path cost ~1 ms of ban latency).
/// </summary>
internal sealed class StoredOffenceHistory : IOffenceHistory
{
    private readonly InMemoryOffenceHistory _history = new();

    private StoredOffenceHistory()
    {
    }

    /// <summary>Ban records that could not be read at start (counted as no earlier offences).</summary>
    public bool LoadFailed { get; private set; }

    public int Loaded { get; private set; }

    /// <summary>Loads the bans started within <paramref name="memory"/> before <paramref name="now"/>.</summary>
    /// <remarks>A store that cannot answer means "no earlier offences": an outage must never block the daemon.</remarks>
    public static async Task<StoredOffenceHistory> LoadAsync(IBanStore store, DateTimeOffset now, TimeSpan memory, CancellationToken cancellationToken)
    {
        var history = new StoredOffenceHistory();
        try
        {
            foreach (var b in await store.ListBansStartedSinceAsync(now - memory, cancellationToken))
            {
                // Restrictions (decoy-cohort suspects) are not offences: most of them were forged in someone's name.
                if (!b.Ban.DryRun && !RestrictionRecords.IsRestriction(b.Ban.Reason))
                {
                    history._history.RecordOffence(new NetPrefix(b.Ban.Target.Address, b.Ban.Target.PrefixLength), b.Ban.StartedAt, b.Ban.ExpiresAt - b.Ban.StartedAt);
                    history.Loaded++;
                }
            }
        }
        catch (StorageException)
        {
            history.LoadFailed = true;
        }

        return history;
    }

    public int CountOffences(NetPrefix target, DateTimeOffset since) => _history.CountOffences(target, since);

    public void RecordOffence(NetPrefix target, DateTimeOffset at, TimeSpan duration) => _history.RecordOffence(target, at, duration);
}
