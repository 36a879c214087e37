using PortVeil.Core;

namespace PortVeil.Enforcement.Nftables;

/// <summary>
/// Bans in PortVeil's own `table inet portveil` through libnftables: each call is one JSON batch, so one kernel
/// transaction. Bans carry kernel timeouts and expire even when the daemon is gone. A watchdog re-creates the
/// table with every active ban when someone flushes or deletes it. Other tables are never read for writing,
/// never flushed, never deleted.
/// </summary>
public sealed partial class NftEnforcer : IBanEnforcer, IDisposable
{
    private readonly NftContext _nft;
    private readonly PortVeilRuleset _ruleset;
    private readonly NftEnforcerOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    // Serialises the netlink fast path (NftContext.ElementSocket) and its disposal.
    private readonly Lock _fastGate = new();
    private long _fastBans;
    private int _lastFastError;

    /// <summary>Bans made through the netlink fast path (<see cref="Ban"/> of fresh sources).</summary>
    public long FastPathBans => Interlocked.Read(ref _fastBans);

    /// <summary>The errno of the last fast-path batch the kernel refused (the ban then went through libnftables).</summary>
    public int LastFastPathError => Volatile.Read(ref _lastFastError);

    // Bans we made (or saw in the kernel), with their absolute expiry, so the watchdog can restore them.
    private readonly Dictionary<SourceKey, long> _active = [];

    // The warm-up's stand-in for _active: the same dictionary code (lookups, inserts, the resizes at the 4th and 8th
    // entry) runs during the rehearsal instead of on the first real bans (measured: ban #1 and #4 spent 1.2 and
    // 0.7 ms in the kernel stage before). It keeps the rehearsal sources only (15 entries).
    private readonly Dictionary<SourceKey, long> _warmUpActive = [];

    // Restrictions (decoy-cohort suspects), kept apart: they go back into the suspect sets on a repair.
    private readonly Dictionary<SourceKey, long> _suspects = [];
    private long _repairs;
    private int _pruneAt = 1024;

    // Set contents the daemon owns, restored with the table after someone else flushed it.
    private readonly HashSet<ServedPorts.ServedPort> _served = [];
    private readonly List<ServedPorts.ServedPort> _tripwires = [];
    private readonly List<(NetAddress Network, int PrefixLength)> _allow = [];

    public NftEnforcer(NftEnforcerOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new NftEnforcerOptions();
        _ruleset = new PortVeilRuleset(_options.Ruleset);
        _time = time ?? TimeProvider.System;
        _nft = new NftContext(_options.DryRun, _options.NetworkNamespacePath);
        if (_options.Watchdog && !_options.DryRun)
        {
            // Started here, so it inherits the constructing thread's namespace; it idles until the table exists.
            _watchdog = new Thread(WatchdogLoop) { IsBackground = true, Name = "portveil nft watchdog" };
            _watchdog.Start();
        }
    }

    public PortVeilRuleset Ruleset => _ruleset;

    /// <summary>The context every command runs on (its thread is in the enforcer's namespace).</summary>
    public NftContext Context => _nft;

    /// <summary>How many times the table had to be re-created or repaired after the first creation.</summary>
    public long Repairs => Interlocked.Read(ref _repairs);

    /// <summary>Raised (on the watchdog thread) after the table was repaired; the argument is the number of bans restored.</summary>
    public event Action<int>? TableRestored;

    public async Task EnsureTableAsync(CancellationToken cancellationToken = default)
    {
        await ApplyTableAsync(restoreBans: true).ConfigureAwait(false);

        // Learn the bans a previous run left in the kernel (they outlive the daemon).
        if (!_options.DryRun)
        {
            await ListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task BanAsync(SourceKey source, TimeSpan duration, CancellationToken cancellationToken = default) =>
        BanAsync([new BanRequest(source, duration)], cancellationToken);

    public Task BanAsync(IReadOnlyList<BanRequest> bans, CancellationToken cancellationToken = default) =>
        ApplyAsync(bans, _active, BanSets, "ban");

    public Task RestrictAsync(IReadOnlyList<BanRequest> suspects, CancellationToken cancellationToken = default) =>
        ApplyAsync(suspects, _suspects, SuspectSets, "restriction");

    private async Task ApplyAsync(IReadOnlyList<BanRequest> bans, Dictionary<SourceKey, long> record, (SourceKeyKind Kind, string Set)[] sets, string what)
    {
        ArgumentNullException.ThrowIfNull(bans);
        if (bans.Count == 0)
        {
            return;
        }

        using var batch = BanBatch(bans, record, sets, out var count);
        var result = await _nft.RunAsync(batch.Complete()).ConfigureAwait(false);
        result.EnsureSuccess($"{what} of {count} source(s)");
    }

    /// <summary>
    /// <see cref="BanAsync"/> without a thread hop, returning once the kernel has acknowledged the transaction.
    /// Fresh bans (the daemon's usual case) go as one nf_tables netlink batch (<see cref="NftSetElementSocket"/>);
    /// anything else runs libnftables on the calling thread when it is in the enforcer's network namespace
    /// (<see cref="NftContext.RunOnCallingThread"/>). The daemon bans from its detection thread this way: measured,
    /// the hops of the queued path (to the context's thread and back through the thread pool) and libnftables'
    /// per-command parsing and cache dumps were most of the ban path (docs/benchmarks.md).
    /// </summary>
    public void Ban(IReadOnlyList<BanRequest> bans)
    {
        ArgumentNullException.ThrowIfNull(bans);
        if (bans.Count == 0)
        {
            return;
        }

        if (TryBanFresh(bans))
        {
            return;
        }

        using var batch = BanBatch(bans, _active, BanSets, out var count);
        _nft.RunOnCallingThread(batch.Complete()).EnsureSuccess($"ban of {count} source(s)");
    }

    /// <summary>
    /// Fresh bans of one kind through <see cref="NftSetElementSocket"/> (one netlink batch, no libnftables, from
    /// any thread: the socket was opened in our namespace); false when the request does not qualify (a renewal,
    /// mixed kinds, dry-run) or the kernel refused it, so the caller takes the libnftables path, which reports any
    /// error in full.
    /// </summary>
    private bool TryBanFresh(IReadOnlyList<BanRequest> bans) => TryBanFresh(bans, warmUp: false) == 0;

    /// <summary>
    /// Runs the fast ban path of <see cref="Ban"/> (the same code, the same kind of netlink batch and kernel
    /// transaction) for single addresses, into the warm-up sets `warmup4`/`warmup6` that no rule references, then
    /// deletes the elements again: JIT compilation, P/Invoke stubs and first-use costs are paid here instead of by
    /// the first real ban (measured: 17-19 ms for ban #1 without it, docs/benchmarks.md). Nothing is banned, nothing
    /// is recorded; an element left by a failed delete expires by its own timeout.
    /// </summary>
    /// <returns>0 when the kernel took the elements and removed them again; else the errno of the step that failed
    /// (-1: no fast path here, as in dry-run, or the requests are not single addresses of one family).</returns>
    public int WarmUpBanPath(IReadOnlyList<BanRequest> bans)
    {
        ArgumentNullException.ThrowIfNull(bans);
        return bans.Count == 0 ? -1 : TryBanFresh(bans, warmUp: true);
    }

    /// <returns>0 when the kernel took the bans; -1 when they do not qualify; else the kernel's errno.</returns>
    private int TryBanFresh(IReadOnlyList<BanRequest> bans, bool warmUp)
    {
        if (_nft.ElementSocket is null || bans.Count > NftSetElementSocket.MaxElements)
        {
            return -1;
        }

        var kind = bans[0].Source.Kind;
        if (warmUp && kind is not (SourceKeyKind.IPv4 or SourceKeyKind.IPv6))
        {
            return -1;
        }

        Span<NetAddress> addresses = stackalloc NetAddress[bans.Count];
        Span<long> timeouts = stackalloc long[bans.Count];
        var now = _time.GetTimestamp();
        var record = warmUp ? _warmUpActive : _active;
        lock (_gate)
        {
            for (var i = 0; i < bans.Count; i++)
            {
                var b = bans[i];
                // A rehearsal source repeats every round: it is looked up all the same, but never refused for it.
                if (b.Source.Kind != kind || (record.ContainsKey(b.Source) && !warmUp) || addresses[..i].Contains(b.Source.Address))
                {
                    return -1;
                }

                addresses[i] = b.Source.Address;
                timeouts[i] = PortVeilRuleset.Seconds(b.Duration) * 1000;
            }

            foreach (var b in bans)
            {
                record[b.Source] = now + (long)(b.Duration.TotalSeconds * _time.TimestampFrequency);
            }
        }

        var set = (kind, warmUp) switch
        {
            (SourceKeyKind.IPv4, true) => PortVeilRuleset.WarmUp4,
            (_, true) => PortVeilRuleset.WarmUp6,
            (SourceKeyKind.IPv4, _) => PortVeilRuleset.Banned4,
            (SourceKeyKind.IPv6, _) => PortVeilRuleset.Banned6,
            (SourceKeyKind.IPv4Prefix24, _) => PortVeilRuleset.Banned4Prefix24,
            _ => PortVeilRuleset.Banned6Prefix64,
        };
        int errno;
        lock (_fastGate)
        {
            errno = _nft.ElementSocket.Add(_ruleset.Table, set, addresses, timeouts);
            if (warmUp && errno == 0)
            {
                errno = _nft.ElementSocket.Delete(_ruleset.Table, set, addresses);
            }
        }

        if (errno == 0 && !warmUp)
        {
            Interlocked.Increment(ref _fastBans);
            return 0;
        }

        if (warmUp)
        {
            return errno;
        }

        _lastFastError = errno;
        lock (_gate)
        {
            foreach (var b in bans)
            {
                record.Remove(b.Source);
            }
        }

        return errno;
    }

    /// <summary>One transaction banning <paramref name="bans"/>; records them for the watchdog.</summary>
    private NftElements BanBatch(IReadOnlyList<BanRequest> bans, Dictionary<SourceKey, long> record, (SourceKeyKind Kind, string Set)[] sets, out int count)
    {
        // The last request for a source wins; a batch never names a source twice.
        var unique = new Dictionary<SourceKey, BanRequest>(bans.Count);
        foreach (var b in bans)
        {
            unique[b.Source] = b;
        }

        var fresh = new List<BanRequest>(unique.Count);
        var renewed = new List<BanRequest>();
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            PruneExpired(now);
            foreach (var b in unique.Values)
            {
                // A source we banned before may still be in the kernel: it needs delete + add to get the new
                // timeout (an add alone keeps the old one). A fresh source needs a single add: half the work.
                (record.ContainsKey(b.Source) ? renewed : fresh).Add(b);
                record[b.Source] = now + (long)(b.Duration.TotalSeconds * _time.TimestampFrequency);
            }
        }

        var batch = new NftElements(_ruleset.Table);
        foreach (var (kind, set) in sets)
        {
            WriteBanCommands(batch, renewed, kind, set, renew: true);
            WriteBanCommands(batch, fresh, kind, set, renew: false);
        }

        count = unique.Count;
        return batch;
    }

    public async Task UnbanAsync(IReadOnlyList<SourceKey> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var s in sources)
            {
                _active.Remove(s);
                _suspects.Remove(s);
            }
        }

        using var batch = new NftElements(_ruleset.Table);

        // add (no-op if present) then delete: an already expired ban is not an error.
        foreach (var (kind, set) in (ReadOnlySpan<(SourceKeyKind, string)>)[.. AllBanSets, .. SuspectSets])
        {
            if (!Contains(sources, kind))
            {
                continue;
            }

            foreach (var verb in (string[])["add", "delete"])
            {
                batch.BeginElements(verb, set);
                foreach (var s in sources)
                {
                    if (s.Kind == kind)
                    {
                        batch.Address(s.Address);
                    }
                }

                batch.EndElements();
            }
        }

        var result = await _nft.RunAsync(batch.Complete()).ConfigureAwait(false);
        result.EnsureSuccess($"unban of {sources.Count} source(s)");
    }

    public async Task<IReadOnlyList<ActiveBan>> ListAsync(CancellationToken cancellationToken = default)
    {
        var bans = new List<ActiveBan>();
        foreach (var (kind, set) in AllBanSets)
        {
            var r = await _nft.RunAsync(ListSetCommand(set)).ConfigureAwait(false);
            r.EnsureSuccess($"list set {set}");
            NftListing.ReadBans(r.Output, kind, set.StartsWith("reflex", StringComparison.Ordinal), bans);
        }

        foreach (var (kind, set) in SuspectSets)
        {
            var r = await _nft.RunAsync(ListSetCommand(set)).ConfigureAwait(false);
            r.EnsureSuccess($"list set {set}");
            NftListing.ReadBans(r.Output, kind, byReflex: false, bans, restricted: true);
        }

        // The daemon's bans already in the kernel (from before a restart) join our record, so a repair restores
        // them and a re-ban renews their timeout.
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            foreach (var b in bans)
            {
                var record = b.Restricted ? _suspects : _active;
                if (!b.ByReflex && !record.ContainsKey(b.Source) && b.Remaining > TimeSpan.Zero)
                {
                    record[b.Source] = now + (long)(b.Remaining.TotalSeconds * _time.TimestampFrequency);
                }
            }
        }

        return bans;
    }

    /// <summary>Replaces the served set's changes in one transaction: removed ports leave, added ports join.</summary>
    public Task UpdateServedAsync(IReadOnlyCollection<ServedPorts.ServedPort> added, IReadOnlyCollection<ServedPorts.ServedPort> removed)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removed);
        lock (_gate)
        {
            _served.ExceptWith(removed);
            _served.UnionWith(added);
        }

        return UpdatePortSetAsync(PortVeilRuleset.Served, added, removed);
    }

    /// <summary>Sets the tripwire ports (unserved ports that count as strong evidence) in one transaction.</summary>
    public async Task SetTripwiresAsync(IReadOnlyCollection<ServedPorts.ServedPort> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        lock (_gate)
        {
            _tripwires.Clear();
            _tripwires.AddRange(ports);
        }

        using var batch = new NftElements(_ruleset.Table);
        batch.FlushSet(PortVeilRuleset.Tripwire);
        WritePorts(batch, "add", PortVeilRuleset.Tripwire, ports);
        (await _nft.RunAsync(batch.Complete()).ConfigureAwait(false)).EnsureSuccess("set tripwires");
    }

    /// <summary>Replaces the allowlist (addresses or networks that are never dropped nor logged) in one transaction.</summary>
    public async Task SetAllowListAsync(IReadOnlyCollection<(NetAddress Network, int PrefixLength)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            _allow.Clear();
            _allow.AddRange(entries);
        }

        using var batch = new NftElements(_ruleset.Table);
        foreach (var (set, v4) in new[] { (PortVeilRuleset.Allow4, true), (PortVeilRuleset.Allow6, false) })
        {
            batch.FlushSet(set);
            var any = false;
            foreach (var (network, length) in entries)
            {
                if (network.IsIPv4 != v4)
                {
                    continue;
                }

                if (!any)
                {
                    batch.BeginElements("add", set);
                    any = true;
                }

                batch.Prefix(network.Mask(length), length);
            }

            if (any)
            {
                batch.EndElements();
            }
        }

        (await _nft.RunAsync(batch.Complete()).ConfigureAwait(false)).EnsureSuccess("set allowlist");
    }

    /// <summary>Lists the served set as (protocol, port) pairs, for `explain rules` and tests.</summary>
    public async Task<IReadOnlyList<(string Protocol, int Port)>> ListServedAsync()
    {
        var r = await _nft.RunAsync(ListSetCommand(PortVeilRuleset.Served)).ConfigureAwait(false);
        return NftListing.ReadProtocolPorts(r.EnsureSuccess("list served").Output);
    }

    /// <summary>Removes our table (for `portveil uninstall` and tests); bans go with it.</summary>
    public async Task DeleteTableAsync()
    {
        StopWatchdog();
        var b = new NftTableBuilder(_ruleset.Table).AddTable().DeleteTable();
        (await _nft.RunAsync(b.ToUtf8()).ConfigureAwait(false)).EnsureSuccess("delete table");
    }

    public void Dispose()
    {
        StopWatchdog();
        lock (_fastGate)
        {
            _nft.Dispose();
        }
    }

    private static readonly (SourceKeyKind Kind, string Set)[] BanSets =
    [
        (SourceKeyKind.IPv4, PortVeilRuleset.Banned4),
        (SourceKeyKind.IPv6, PortVeilRuleset.Banned6),
        (SourceKeyKind.IPv6Prefix64, PortVeilRuleset.Banned6Prefix64),
        (SourceKeyKind.IPv4Prefix24, PortVeilRuleset.Banned4Prefix24),
    ];

    private static readonly (SourceKeyKind Kind, string Set)[] SuspectSets =
    [
        (SourceKeyKind.IPv4, PortVeilRuleset.Suspect4),
        (SourceKeyKind.IPv6, PortVeilRuleset.Suspect6),
    ];

    private static readonly (SourceKeyKind Kind, string Set)[] AllBanSets =
    [
        .. BanSets,
        (SourceKeyKind.IPv4, PortVeilRuleset.ReflexBanned4),
        (SourceKeyKind.IPv6, PortVeilRuleset.ReflexBanned6),
    ];

    private byte[] ListSetCommand(string set) => System.Text.Encoding.UTF8.GetBytes(
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["nftables"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["list"] = new Dictionary<string, object>
                    {
                        ["set"] = new Dictionary<string, string> { ["family"] = "inet", ["table"] = _ruleset.Table, ["name"] = set },
                    },
                },
            },
        }));

    /// <summary>Drops record entries (bans and restrictions) expired more than 5 s ago, once the records have doubled since the last pass.</summary>
    private void PruneExpired(long now)
    {
        if (_active.Count + _suspects.Count < _pruneAt)
        {
            return;
        }

        var grace = 5 * _time.TimestampFrequency;
        foreach (var record in (Dictionary<SourceKey, long>[])[_active, _suspects])
        {
            List<SourceKey>? expired = null;
            foreach (var (key, expiry) in record)
            {
                if (expiry + grace < now)
                {
                    (expired ??= []).Add(key);
                }
            }

            foreach (var key in expired ?? [])
            {
                record.Remove(key);
            }
        }

        _pruneAt = Math.Max(1024, (_active.Count + _suspects.Count) * 2);
    }

    private static bool Contains(IReadOnlyList<SourceKey> sources, SourceKeyKind kind)
    {
        foreach (var s in sources)
        {
            if (s.Kind == kind)
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteBanCommands(NftElements batch, List<BanRequest> bans, SourceKeyKind kind, string set, bool renew)
    {
        var any = false;
        foreach (var b in bans)
        {
            if (b.Source.Kind == kind)
            {
                any = true;
                break;
            }
        }

        if (!any)
        {
            return;
        }

        // add (no-op if present) + delete + add-with-timeout: the renewed ban gets its new timeout, atomically.
        foreach (var verb in renew ? (string[])["add", "delete"] : [])
        {
            batch.BeginElements(verb, set);
            foreach (var b in bans)
            {
                if (b.Source.Kind == kind)
                {
                    batch.Address(b.Source.Address);
                }
            }

            batch.EndElements();
        }

        batch.BeginElements("add", set);
        foreach (var b in bans)
        {
            if (b.Source.Kind == kind)
            {
                batch.AddressWithTimeout(b.Source.Address, PortVeilRuleset.Seconds(b.Duration));
            }
        }

        batch.EndElements();
    }

    private async Task UpdatePortSetAsync(string set, IReadOnlyCollection<ServedPorts.ServedPort> added, IReadOnlyCollection<ServedPorts.ServedPort> removed)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removed);
        if (added.Count == 0 && removed.Count == 0)
        {
            return;
        }

        using var batch = new NftElements(_ruleset.Table);
        if (removed.Count > 0)
        {
            // add then delete: removing a port that is already gone is not an error.
            WritePorts(batch, "add", set, removed);
            WritePorts(batch, "delete", set, removed);
        }

        WritePorts(batch, "add", set, added);
        (await _nft.RunAsync(batch.Complete()).ConfigureAwait(false)).EnsureSuccess($"update {set}");
    }

    private static void WritePorts(NftElements batch, string verb, string set, IReadOnlyCollection<ServedPorts.ServedPort> ports)
    {
        if (ports.Count == 0)
        {
            return;
        }

        batch.BeginElements(verb, set);
        foreach (var p in ports)
        {
            batch.ProtocolPort(p.Protocol, p.Port);
        }

        batch.EndElements();
    }
}
