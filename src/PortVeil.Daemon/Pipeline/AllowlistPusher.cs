using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Writes the allowlist in force into the kernel's @allow4/@allow6 sets when it changed since the last write. Both
/// the discovery loop and the operator sync loop call it; one at a time, and always with the newest list, so an
/// older list can never overwrite a newer one.
/// </summary>
internal sealed class AllowlistPusher : IDisposable
{
    private readonly LiveAllowlist _allowlist;
    private readonly NftEnforcer _enforcer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AllowlistIndex? _pushed;

    public AllowlistPusher(LiveAllowlist allowlist, NftEnforcer enforcer)
    {
        _allowlist = allowlist;
        _enforcer = enforcer;
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Pushes the current list unless it is the one pushed last; true when it pushed.</summary>
    public async Task<bool> PushIfChangedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            var current = _allowlist.Current;
            if (ReferenceEquals(current, _pushed))
            {
                return false;
            }

            await _enforcer.SetAllowListAsync(Outermost(current.Entries));
            _pushed = current;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The entries not inside another one: nft interval sets refuse overlapping elements ("conflicting intervals
    /// specified", measured on nft 1.0.6: a static 198.51.100.0/24 with the gateway 198.51.100.1), and CIDR blocks are
    /// either nested or disjoint, so the outermost blocks cover exactly the same addresses.
    /// </summary>
    internal static List<(NetAddress Network, int PrefixLength)> Outermost(IReadOnlyList<AllowlistEntry> entries)
    {
        var sorted = new List<NetPrefix>(entries.Count);
        foreach (var e in entries)
        {
            sorted.Add(e.Prefix);
        }

        // First address ascending, widest (latest end) first: each block is either inside the last kept one or after it.
        sorted.Sort(static (a, b) =>
        {
            var c = a.First.CompareTo(b.First);
            return c != 0 ? c : b.Last.CompareTo(a.Last);
        });
        var kept = new List<(NetAddress, int)>(sorted.Count);
        NetPrefix? last = null;
        foreach (var p in sorted)
        {
            if (last is { } l && p.First >= l.First && p.Last <= l.Last)
            {
                continue;
            }

            kept.Add((p.Network, p.Length));
            last = p;
        }

        return kept;
    }
}
