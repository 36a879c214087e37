using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PortVeil.Core;
using PortVeil.Daemon.Notifications;
using PortVeil.Daemon.Operations;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Brings into the running daemon what operators did through the database (`portveil bans|allow …` run while the
/// daemon runs): every second it loads the stored allow entries into the live allowlist (and the kernel's allow
/// sets), tells the policy and the enforcer of bans ended by hand (so neither restores them), and of manual bans
/// made elsewhere (so the policy does not ban them again and the watchdog restores them after a flush).
/// </summary>
/// <remarks>
/// One second: an operator who just typed `allow add` expects the daemon to honour it before the next scan does
/// damage; the cost is three indexed queries per second on a database that is otherwise written in batches.
/// </remarks>
internal sealed class OperatorSyncLoop
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Queries look back this far beyond the last pass, so a clock step or a slow pass loses nothing; seen ids are skipped.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(30);

    private readonly IBanStore _bans;
    private readonly IAllowStore _allow;
    private readonly LiveAllowlist _allowlist;
    private readonly AllowlistPusher? _pusher;
    private readonly BanPolicy _policy;
    private readonly IBanEnforcer? _enforcer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IncidentNotifier? _notifier;
    private readonly Api.LiveFeed? _feed;
    // Ids already handled, apart for starts and ends: a manual ban is seen once when made and once when lifted.
    private readonly Dictionary<Guid, DateTimeOffset> _seenStarted = [];
    private readonly Dictionary<Guid, DateTimeOffset> _seenEnded = [];
    // Ends this daemon made itself (its API's unban and allow), which the API already announced on the live feed.
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _announced = new();
    // On a database shared by a fleet: only this host's manual bans are applied here; other hosts' go through the
    // fleet importer, which checks the local allowlist and the consensus first. Null: every ban (SQLite, one host).
    private readonly string? _ownHost;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private DateTimeOffset _since;
    private long _passes;
    private long _wokenPasses;

    public OperatorSyncLoop(IBanStore bans, IAllowStore allow, LiveAllowlist allowlist, AllowlistPusher? pusher, BanPolicy policy,
        IBanEnforcer? enforcer, ILogger logger, TimeProvider? time = null, IncidentNotifier? notifier = null, string? ownHost = null,
        Api.LiveFeed? feed = null)
    {
        _feed = feed;
        _ownHost = ownHost;
        _notifier = notifier;
        _bans = bans;
        _allow = allow;
        _allowlist = allowlist;
        _pusher = pusher;
        _policy = policy;
        _enforcer = enforcer;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _since = _time.GetUtcNow();
    }

    /// <summary>
    /// The ban <paramref name="banId"/> is being ended by this daemon's own operator actions (its API), which announce
    /// it on the live feed themselves: this loop then lifts it as usual but does not announce it again.
    /// </summary>
    public void AnnouncedElsewhere(Guid banId) => _announced[banId] = _time.GetUtcNow();

    /// <summary>Passes completed (tests wait on it).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Passes started early by <see cref="Wake"/> (a fleet NOTIFY of an ended ban).</summary>
    public long WokenPasses => Interlocked.Read(ref _wokenPasses);

    /// <summary>Runs the next pass now instead of at the next second (a ban ended elsewhere in the fleet).</summary>
    public void Wake()
    {
        // At most one pending wake (a one-slot channel): a burst of unbans is one pass, which reads them all.
        _wake.Writer.TryWrite(true);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Task<bool>? woken = null;
        while (true)
        {
            try
            {
                await SyncOnceAsync(cancellationToken);
            }
            catch (Exception e) when (e is StorageException or Enforcement.Nftables.NftException or InvalidOperationException)
            {
                // The database or the kernel is briefly unavailable: kernel bans keep working; try again next second.
                LogMessages.OperatorSyncFailed(_logger, e);
            }

            Interlocked.Increment(ref _passes);

            // One wait on the wake channel at a time, kept across passes that the interval ended (no waiter piles up).
            woken ??= _wake.Reader.WaitToReadAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(woken, Task.Delay(Interval, _time, cancellationToken)) == woken)
            {
                woken = null;
                if (_wake.Reader.TryRead(out _))
                {
                    Interlocked.Increment(ref _wokenPasses);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    internal async Task SyncOnceAsync(CancellationToken cancellationToken)
    {
        _allowlist.SetOperatorEntries(await OperatorActions.LoadOperatorEntriesAsync(_allow, cancellationToken));
        if (_pusher is not null)
        {
            await _pusher.PushIfChangedAsync();
        }

        var now = _time.GetUtcNow();
        var from = _since - Overlap;
        var unbans = new List<SourceKey>();
        var feedUnbans = new List<(string Target, string By)>();
        foreach (var s in await _bans.ListBansEndedSinceAsync(from, cancellationToken))
        {
            if (s.EndReason is not (BanEndReason.Unbanned or BanEndReason.Allowlisted) || !_seenEnded.TryAdd(s.Ban.Id, now))
            {
                continue;
            }

            var target = new NetPrefix(s.Ban.Target.Address, s.Ban.Target.PrefixLength);
            _policy.Release(target);

            // Lifted by the CLI or the API (both end the stored ban): the unban webhook fires here, once per ban.
            _notifier?.OnUnban(s.Ban.Id, s.Ban.Target, s.EndReason.ToString()!.ToLowerInvariant(), s.Ban.OriginHost, s.EndedAt ?? now);

            // Lifted outside this daemon (the CLI; on a fleet, any host): the dashboard drops its row as for an API
            // unban, once the kernel let it go (below). "fleet": another host's ban; "operator": this host's ban,
            // ended in the database by a command; "allowlist": ended because its address was allowlisted.
            if (_feed is not null && !_announced.ContainsKey(s.Ban.Id))
            {
                var by = _ownHost is not null && !string.Equals(s.Ban.OriginHost, _ownHost, StringComparison.Ordinal) ? "fleet"
                    : s.EndReason == BanEndReason.Allowlisted ? "allowlist" : "operator";
                feedUnbans.Add((s.Ban.Target.ToString(), by));
            }
            if (KernelKey(target) is { } key)
            {
                unbans.Add(key);
            }
        }

        var bans = new List<BanRequest>();
        foreach (var s in await _bans.ListBansStartedSinceAsync(from, cancellationToken))
        {
            var b = s.Ban;
            if (b.Detector is not null || b.DryRun || !s.IsActiveAt(now) || (_ownHost is not null && !string.Equals(b.OriginHost, _ownHost, StringComparison.Ordinal))
                || !_seenStarted.TryAdd(b.Id, now))
            {
                continue;
            }

            var target = new NetPrefix(b.Target.Address, b.Target.PrefixLength);
            _policy.Restore(target, b.ExpiresAt);
            if (KernelKey(target) is { } key)
            {
                bans.Add(new BanRequest(key, b.ExpiresAt - now));
            }
        }

        // The element is already in the kernel when the CLI could reach it; these calls are idempotent and make the
        // enforcer's own record agree (an unbanned source is not restored by the watchdog, a manual ban is).
        if (_enforcer is not null && unbans.Count > 0)
        {
            await _enforcer.UnbanAsync(unbans, cancellationToken);
        }

        foreach (var (target, by) in feedUnbans)
        {
            _feed!.Publish("unban", new Api.LiveChange(target, null, by));
        }

        if (_enforcer is not null && bans.Count > 0)
        {
            await _enforcer.BanAsync(bans, cancellationToken);
        }

        Forget(_seenStarted, now - Overlap - Overlap);
        Forget(_seenEnded, now - Overlap - Overlap);
        Forget(_announced, now - Overlap - Overlap);

        _since = now;
    }

    // Removing while enumerating is safe for both kinds used here (Dictionary since .NET Core 3.0, ConcurrentDictionary).
    private static void Forget(IDictionary<Guid, DateTimeOffset> seen, DateTimeOffset before)
    {
        foreach (var (id, at) in seen)
        {
            if (at < before)
            {
                seen.Remove(id);
            }
        }
    }

    private static SourceKey? KernelKey(NetPrefix target) =>
        SourceKey.TryForNetwork(target.Network, target.Length, out var key) ? key : null;
}
