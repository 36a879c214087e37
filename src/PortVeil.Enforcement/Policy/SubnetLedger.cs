using PortVeil.Core;

namespace PortVeil.Enforcement.Policy;

/// <summary>Individual bans made recently in one /24 or /64: the subnet budget and the subnet-ban trigger both read it.</summary>
internal sealed class SubnetLedger
{
    private readonly List<(NetAddress Member, long At)> _bans = new(4);

    public long NewestAt { get; private set; }

    public void Add(NetAddress member, long at)
    {
        _bans.Add((member, at));
        NewestAt = Math.Max(NewestAt, at);
    }

    /// <summary>Forgets bans made before <paramref name="cutoff"/>.</summary>
    public void Prune(long cutoff)
    {
        var keep = 0;
        for (var i = 0; i < _bans.Count; i++)
        {
            if (_bans[i].At >= cutoff)
            {
                _bans[keep++] = _bans[i];
            }
        }

        _bans.RemoveRange(keep, _bans.Count - keep);
    }

    public int CountSince(long since)
    {
        var n = 0;
        foreach (var (_, at) in _bans)
        {
            n += at > since ? 1 : 0;
        }

        return n;
    }

    /// <summary>Distinct members banned after <paramref name="since"/>, not counting <paramref name="except"/>. O(k²) over ≤ budget entries, no allocation.</summary>
    public int CountDistinctMembersSince(long since, NetAddress except)
    {
        var n = 0;
        for (var i = 0; i < _bans.Count; i++)
        {
            var (member, at) = _bans[i];
            if (at <= since || member == except)
            {
                continue;
            }

            var first = true;
            for (var j = 0; j < i && first; j++)
            {
                first = !(_bans[j].Member == member && _bans[j].At > since);
            }

            n += first ? 1 : 0;
        }

        return n;
    }

    public List<NetAddress> DistinctMembersSince(long since)
    {
        var members = new List<NetAddress>(_bans.Count);
        foreach (var (member, at) in _bans)
        {
            if (at > since && !members.Contains(member))
            {
                members.Add(member);
            }
        }

        return members;
    }
}
