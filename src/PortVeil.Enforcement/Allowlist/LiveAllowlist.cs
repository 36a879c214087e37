namespace PortVeil.Enforcement.Allowlist;

/// <summary>
/// The allowlist in force: an <see cref="AllowlistIndex"/> replaced atomically by each refresh, so lookups on any
/// thread never take a lock and never see a half-built list. The daemon calls <see cref="Refresh"/> every
/// <see cref="AllowlistOptions.Refresh"/>, and <see cref="SetOperatorEntries"/> whenever the operator's stored
/// entries change (`portveil allow add|remove`, the API).
/// </summary>
public sealed class LiveAllowlist
{
    private readonly AllowlistDiscovery? _discovery;
    private readonly Lock _refreshLock = new();
    private AllowlistIndex _base;
    private IReadOnlyList<AllowlistEntry> _operator = [];
    private AllowlistIndex _current;

    /// <summary>A list that refreshes through <paramref name="discovery"/>; the first discovery runs now.</summary>
    public LiveAllowlist(AllowlistDiscovery discovery)
    {
        ArgumentNullException.ThrowIfNull(discovery);
        _discovery = discovery;
        _base = discovery.BuildIndex();
        _current = _base;
    }

    /// <summary>A fixed list (tests, `analyze`): <see cref="Refresh"/> keeps it; operator entries still join it.</summary>
    public LiveAllowlist(AllowlistIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        _base = index;
        _current = index;
    }

    public AllowlistIndex Current => Volatile.Read(ref _current);

    /// <summary>The operator's entries in force (<see cref="AllowlistSource.Operator"/>).</summary>
    public IReadOnlyList<AllowlistEntry> OperatorEntries => Volatile.Read(ref _operator);

    /// <summary>Re-runs discovery and swaps the new list in; returns it.</summary>
    public AllowlistIndex Refresh()
    {
        if (_discovery is null)
        {
            return Current;
        }

        lock (_refreshLock)
        {
            _base = _discovery.BuildIndex();
            return Publish();
        }
    }

    /// <summary>
    /// Replaces the operator's entries (read from storage); returns the list in force. A list equal to the one in
    /// force changes nothing, so the index (and the kernel sets pushed from it) is rebuilt only on a real change.
    /// </summary>
    public AllowlistIndex SetOperatorEntries(IReadOnlyList<AllowlistEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_refreshLock)
        {
            if (SameEntries(_operator, entries))
            {
                return Current;
            }

            Volatile.Write(ref _operator, [.. entries]);
            return Publish();
        }
    }

    private AllowlistIndex Publish()
    {
        var next = _base;
        if (_operator.Count > 0)
        {
            var all = new List<AllowlistEntry>(_base.Entries.Count + _operator.Count);
            foreach (var e in _base.Entries)
            {
                // Create adds the reserved ranges again.
                if (e.Source != AllowlistSource.Reserved)
                {
                    all.Add(e);
                }
            }

            all.AddRange(_operator);
            next = AllowlistIndex.Create(all);
        }

        Volatile.Write(ref _current, next);
        return next;
    }

    private static bool SameEntries(IReadOnlyList<AllowlistEntry> a, IReadOnlyList<AllowlistEntry> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
