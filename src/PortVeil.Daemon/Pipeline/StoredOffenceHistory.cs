using System.Collections.Concurrent;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Offence history for ban escalation that survives restarts: bans made before this run are counted from the
/// ban store once per target (the first time the target comes up), bans of this run are kept in memory (the store
/// receives them asynchronously, so counting them there would race the writer).
/// </summary>
/// <remarks>A store that cannot answer counts as "no earlier offences": an outage must never block a ban.</remarks>
internal sealed class StoredOffenceHistory : IOffenceHistory
{
    private readonly IBanStore _store;
    private readonly InMemoryOffenceHistory _thisRun = new();
    private readonly ConcurrentDictionary<NetPrefix, DateTimeOffset[]> _before = new();

    public StoredOffenceHistory(IBanStore store)
    {
        _store = store;
    }

    /// <summary>Failed store lookups (counted as zero offences).</summary>
    public long StoreErrors { get; private set; }

    public int CountOffences(NetPrefix target, DateTimeOffset since)
    {
        var earlier = _before.GetOrAdd(target, Load);
        var n = 0;
        foreach (var at in earlier)
        {
            if (at >= since)
            {
                n++;
            }
        }

        return n + _thisRun.CountOffences(target, since);
    }

    public void RecordOffence(NetPrefix target, DateTimeOffset at, TimeSpan duration)
    {
        _before.GetOrAdd(target, Load);
        _thisRun.RecordOffence(target, at, duration);
    }

    private DateTimeOffset[] Load(NetPrefix target)
    {
        try
        {
            var history = _store.ListBanHistoryAsync(new BanTarget(target.Network, target.Length), 1000).GetAwaiter().GetResult();
            var times = new List<DateTimeOffset>(history.Count);
            foreach (var b in history)
            {
                if (!b.Ban.DryRun)
                {
                    times.Add(b.Ban.StartedAt);
                }
            }

            return [.. times];
        }
        catch (StorageException)
        {
            StoreErrors++;
            return [];
        }
    }
}
