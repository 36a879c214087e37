using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Enforcement.Policy;

/// <summary>
/// The state one mode of the policy decides from: active bans with their expiry, recent bans per subnet, the
/// overall ban rate, and counters. Real decisions and dry-run decisions each have their own, so a dry run never
/// spends the budget of real bans. Times are UTC ticks.
/// </summary>
internal sealed class PolicyLedger
{
    private static readonly long SweepEvery = TimeSpan.FromMinutes(10).Ticks;

    private readonly Dictionary<NetPrefix, long> _active = [];
    private readonly PriorityQueue<NetPrefix, long> _expiries = new();
    private readonly Dictionary<NetPrefix, SubnetLedger> _subnets = [];

    // The times of the last BansPerMinute new bans, oldest at _next once full: a new ban fits when that oldest
    // one is more than a minute old. Exact, fixed memory, no per-ban allocation.
    private readonly long[] _recent;
    private int _next;
    private int _filled;
    private long _nextSweep;

    public PolicyLedger(int bansPerMinute)
    {
        _recent = new long[bansPerMinute];
    }

    public long Decisions;
    public long Bans;
    public long SubnetBans;
    public long SkippedAllowlisted;
    public long SkippedUnverified;
    public long SkippedAlreadyBanned;
    public long SkippedSubnetBudget;
    public long SkippedRateBudget;
    public long SkippedConcurrentBudget;

    public int ActiveCount => _active.Count;

    public int TrackedSubnets => _subnets.Count;

    public PolicyCounters Snapshot() => new(Decisions, Bans, SubnetBans, SkippedAllowlisted, SkippedUnverified,
        SkippedAlreadyBanned, SkippedSubnetBudget, SkippedRateBudget, SkippedConcurrentBudget);

    /// <summary>Drops expired bans, and every 10 minutes the subnets without a ban newer than <paramref name="keep"/>.</summary>
    public void Advance(long now, long keep)
    {
        while (_expiries.TryPeek(out var target, out var at) && at <= now)
        {
            _expiries.Dequeue();
            // A target released and banned again has a later expiry; its stale heap entry must not unban it.
            if (_active.TryGetValue(target, out var expires) && expires <= now)
            {
                _active.Remove(target);
            }
        }

        if (now >= _nextSweep)
        {
            _nextSweep = now + SweepEvery;
            var stale = new List<NetPrefix>();
            foreach (var (subnet, ledger) in _subnets)
            {
                ledger.Prune(now - keep);
                if (ledger.NewestAt < now - keep)
                {
                    stale.Add(subnet);
                }
            }

            foreach (var subnet in stale)
            {
                _subnets.Remove(subnet);
            }
        }
    }

    public bool TryGetActive(NetPrefix target, out long expiresAt) => _active.TryGetValue(target, out expiresAt);

    public bool RateAllows(long now, long window) => _filled < _recent.Length || _recent[_next] <= now - window;

    public SubnetLedger? Subnet(NetPrefix subnet) => _subnets.GetValueOrDefault(subnet);

    /// <summary>Records a new ban (counts towards the rate) of <paramref name="target"/>.</summary>
    public void AddBan(NetPrefix target, long now, long expiresAt, bool individual, NetAddress member)
    {
        Activate(target, expiresAt);
        _recent[_next] = now;
        _next = (_next + 1) % _recent.Length;
        _filled = Math.Min(_filled + 1, _recent.Length);
        if (individual)
        {
            var subnet = NetPrefix.SubnetOf(member);
            if (!_subnets.TryGetValue(subnet, out var ledger))
            {
                ledger = new SubnetLedger();
                _subnets[subnet] = ledger;
            }

            ledger.Add(member, now);
        }
    }

    /// <summary>Marks a ban active without counting it as new (restored from storage at startup).</summary>
    public void Activate(NetPrefix target, long expiresAt)
    {
        _active[target] = expiresAt;
        _expiries.Enqueue(target, expiresAt);
    }

    public bool Release(NetPrefix target) => _active.Remove(target);

    // Campaign bans of the last hour (subnet, time): at most CampaignBansPerHour entries, so a linear scan is fine.
    private readonly List<(NetPrefix Subnet, long At)> _campaigns = [];

    /// <summary>Campaign bans after <paramref name="since"/>, overall and of <paramref name="subnet"/>; forgets older ones.</summary>
    public (int Overall, int InSubnet) CampaignsSince(long since, NetPrefix subnet)
    {
        _campaigns.RemoveAll(c => c.At <= since);
        var inSubnet = 0;
        foreach (var (s, _) in _campaigns)
        {
            inSubnet += s == subnet ? 1 : 0;
        }

        return (_campaigns.Count, inSubnet);
    }

    public void AddCampaign(NetPrefix subnet, long at) => _campaigns.Add((subnet, at));
}
