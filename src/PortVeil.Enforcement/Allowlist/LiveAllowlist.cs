namespace PortVeil.Enforcement.Allowlist;

/// <summary>
/// The allowlist in force: an <see cref="AllowlistIndex"/> replaced atomically by each refresh, so lookups on any
/// thread never take a lock and never see a half-built list. The daemon calls <see cref="Refresh"/> every
/// <see cref="AllowlistOptions.Refresh"/>.
/// </summary>
public sealed class LiveAllowlist
{
    private readonly AllowlistDiscovery? _discovery;
    private readonly Lock _refreshLock = new();
    private AllowlistIndex _current;

    /// <summary>A list that refreshes through <paramref name="discovery"/>; the first discovery runs now.</summary>
    public LiveAllowlist(AllowlistDiscovery discovery)
    {
        ArgumentNullException.ThrowIfNull(discovery);
        _discovery = discovery;
        _current = discovery.BuildIndex();
    }

    /// <summary>A fixed list (tests, `analyze`): <see cref="Refresh"/> keeps it.</summary>
    public LiveAllowlist(AllowlistIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        _current = index;
    }

    public AllowlistIndex Current => Volatile.Read(ref _current);

    /// <summary>Re-runs discovery and swaps the new list in; returns it.</summary>
    public AllowlistIndex Refresh()
    {
        if (_discovery is null)
        {
            return Current;
        }

        lock (_refreshLock)
        {
            var next = _discovery.BuildIndex();
            Volatile.Write(ref _current, next);
            return next;
        }
    }
}
