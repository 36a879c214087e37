using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Enforcement.Policy;

/// <summary>
/// Offence history in memory, bounded: at most <see cref="Capacity"/> targets, each keeping its last 16 offence times
/// (16 doublings pass any sensible maximum ban). When full, the target whose last offence is oldest is forgotten.
/// </summary>
public sealed class InMemoryOffenceHistory : IOffenceHistory
{
    private const int KeptPerTarget = 16;

    private readonly Dictionary<NetPrefix, List<long>> _offences = [];
    private readonly Lock _lock = new();

    /// <param name="capacity">Targets remembered; 1,000,000 × ~200 bytes ≈ 200 MB at the very worst.</param>
    public InMemoryOffenceHistory(int capacity = 1_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _offences.Count;
            }
        }
    }

    public int CountOffences(NetPrefix target, DateTimeOffset since)
    {
        lock (_lock)
        {
            if (!_offences.TryGetValue(target, out var times))
            {
                return 0;
            }

            var n = 0;
            foreach (var t in times)
            {
                n += t >= since.UtcTicks ? 1 : 0;
            }

            return n;
        }
    }

    public void RecordOffence(NetPrefix target, DateTimeOffset at, TimeSpan duration)
    {
        lock (_lock)
        {
            if (!_offences.TryGetValue(target, out var times))
            {
                if (_offences.Count >= Capacity)
                {
                    EvictOldest();
                }

                times = new List<long>(2);
                _offences[target] = times;
            }

            if (times.Count == KeptPerTarget)
            {
                times.RemoveAt(0);
            }

            times.Add(at.UtcTicks);
        }
    }

    private void EvictOldest()
    {
        // Only when full: forget the 1/16 of targets whose last offence is oldest in one O(n log n) pass, so a flood
        // at the cap pays for a sort once per Capacity/16 records, not a full scan per record.
        var all = new (long LastAt, NetPrefix Target)[_offences.Count];
        var i = 0;
        foreach (var (key, times) in _offences)
        {
            all[i++] = (times[^1], key);
        }

        Array.Sort(all, static (a, b) => a.LastAt.CompareTo(b.LastAt));
        var drop = Math.Max(1, all.Length / 16);
        for (var j = 0; j < drop; j++)
        {
            _offences.Remove(all[j].Target);
        }
    }
}
