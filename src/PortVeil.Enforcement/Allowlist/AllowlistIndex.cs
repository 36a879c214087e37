using System.Diagnostics.CodeAnalysis;
using PortVeil.Core;

namespace PortVeil.Enforcement.Allowlist;

/// <summary>
/// An immutable allowlist: every entry (static, discovered and <see cref="ReservedRanges"/>) flattened into sorted,
/// disjoint address intervals over the 128-bit space (IPv4 in its mapped form), each pointing at the most specific
/// entry that covers it. A lookup is one binary search: no allocation, about 17 compares for 100,000 intervals.
/// </summary>
/// <remarks>Rebuilt, never mutated: a refresh builds a new index and swaps it in (<see cref="LiveAllowlist"/>).</remarks>
public sealed class AllowlistIndex
{
    private readonly UInt128[] _starts;
    private readonly UInt128[] _ends;
    private readonly AllowlistEntry[] _owners;

    private AllowlistIndex(AllowlistEntry[] entries, UInt128[] starts, UInt128[] ends, AllowlistEntry[] owners)
    {
        Entries = entries;
        _starts = starts;
        _ends = ends;
        _owners = owners;
    }

    /// <summary>The reserved ranges alone.</summary>
    public static AllowlistIndex ReservedOnly { get; } = Create([]);

    /// <summary>Every entry, reserved ones included, in the order given (reserved first).</summary>
    public IReadOnlyList<AllowlistEntry> Entries { get; }

    /// <summary>Disjoint intervals after flattening (for diagnostics and benchmarks).</summary>
    public int IntervalCount => _starts.Length;

    /// <summary>Builds an index of <paramref name="entries"/> plus the reserved ranges.</summary>
    public static AllowlistIndex Create(IEnumerable<AllowlistEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var all = new List<AllowlistEntry>(ReservedRanges.Entries);
        all.AddRange(entries);

        // CIDR blocks are nested or disjoint, so a sweep in (first ascending, last descending) order with a stack of
        // enclosing blocks gives every address to its innermost block.
        var sorted = all.ToArray();
        Array.Sort(sorted, static (a, b) =>
        {
            var c = a.Prefix.First.CompareTo(b.Prefix.First);
            return c != 0 ? c : b.Prefix.Last.CompareTo(a.Prefix.Last);
        });

        var starts = new List<UInt128>(sorted.Length * 2);
        var ends = new List<UInt128>(sorted.Length * 2);
        var owners = new List<AllowlistEntry>(sorted.Length * 2);
        var stack = new Stack<AllowlistEntry>();
        var cursor = UInt128.Zero;
        var exhausted = false;

        void EmitUpTo(UInt128 end, AllowlistEntry owner)
        {
            if (exhausted || cursor > end)
            {
                return;
            }

            starts.Add(cursor);
            ends.Add(end);
            owners.Add(owner);
            if (end == UInt128.MaxValue)
            {
                exhausted = true;
            }
            else
            {
                cursor = end + 1;
            }
        }

        foreach (var e in sorted)
        {
            var first = e.Prefix.First;
            while (stack.Count > 0 && stack.Peek().Prefix.Last < first)
            {
                var done = stack.Pop();
                EmitUpTo(done.Prefix.Last, done);
            }

            if (stack.Count > 0 && first > UInt128.Zero)
            {
                EmitUpTo(first - 1, stack.Peek());
            }

            if (!exhausted)
            {
                cursor = first;
            }

            stack.Push(e);
        }

        while (stack.Count > 0)
        {
            var done = stack.Pop();
            EmitUpTo(done.Prefix.Last, done);
        }

        return new AllowlistIndex([.. all], [.. starts], [.. ends], [.. owners]);
    }

    public bool Contains(NetAddress address) => Find(NetPrefix.ToNumber(address)) >= 0;

    /// <summary>The most specific entry that covers <paramref name="address"/>.</summary>
    public bool TryMatch(NetAddress address, [NotNullWhen(true)] out AllowlistEntry? entry)
    {
        var i = Find(NetPrefix.ToNumber(address));
        entry = i >= 0 ? _owners[i] : null;
        return entry is not null;
    }

    /// <summary>
    /// An entry that shares at least one address with <paramref name="block"/>: a subnet ban of a block for which
    /// this returns true would ban someone on the allowlist.
    /// </summary>
    public bool TryFindOverlap(NetPrefix block, [NotNullWhen(true)] out AllowlistEntry? entry)
    {
        // Intervals are disjoint and sorted, so the last one starting at or before the block's end has the largest
        // end of all candidates: the block overlaps the list exactly when that end reaches the block's start.
        var i = LastStartAtOrBefore(block.Last);
        entry = i >= 0 && _ends[i] >= block.First ? _owners[i] : null;
        return entry is not null;
    }

    private int Find(UInt128 n)
    {
        var i = LastStartAtOrBefore(n);
        return i >= 0 && _ends[i] >= n ? i : -1;
    }

    private int LastStartAtOrBefore(UInt128 n)
    {
        var lo = 0;
        var hi = _starts.Length - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (_starts[mid] <= n)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
