using Microsoft.Extensions.Logging;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;
using PortVeil.Storage.Postgres;

namespace PortVeil.Daemon.Fleet;

/// <summary>
/// Enforces here the bans other hosts of the fleet make: a NOTIFY names the ban, the importer reads its row and
/// puts it into this host's kernel. The ban row (its origin host, its incidents with the evidence) stays the one the
/// origin wrote, so nothing is copied and nothing is announced again. This host's allowlist always wins: an
/// imported ban of an allowlisted address is refused and logged. With a consensus above 1, a ban is imported only
/// once that many distinct hosts reported its source.
/// </summary>
/// <remarks>
/// Missed notifications (a disconnect, a full channel) are caught up by reading the bans started since the newest
/// one seen, minus 30 s of overlap, on every reconnect and every <see cref="FleetOptions.CatchUpInterval"/>.
/// </remarks>
public sealed class FleetImporter
{
    // Clocks of fleet hosts differ and a batch may commit late: look back this far beyond the newest ban seen.
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(30);

    private readonly IPortVeilStore _store;
    private readonly PostgresBanListener _listener;
    private readonly LiveAllowlist _allowlist;
    private readonly BanPolicy _policy;
    private readonly IBanEnforcer _enforcer;
    private readonly FleetOptions _options;
    private readonly string _hostName;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    // Bans decided for good (enforced or refused), with their expiry so the set forgets them; pending ones
    // (awaiting consensus) are not here, so a later report re-evaluates them.
    private readonly Dictionary<Guid, DateTimeOffset> _done = [];
    // Bans awaiting consensus (logged once), with their expiry: after it they are forgotten (and leave the gauge).
    private readonly Dictionary<Guid, DateTimeOffset> _pendingLogged = [];
    private int _awaiting;
    private DateTimeOffset _newestSeen;
    private long _imported;
    private long _endsHeard;
    private long _refused;

    internal FleetImporter(IPortVeilStore store, PostgresBanListener listener, LiveAllowlist allowlist, BanPolicy policy, IBanEnforcer enforcer,
        FleetOptions options, string hostName, ILogger logger, TimeProvider? time = null)
    {
        _store = store;
        _listener = listener;
        _allowlist = allowlist;
        _policy = policy;
        _enforcer = enforcer;
        _options = options;
        _hostName = hostName;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _newestSeen = _time.GetUtcNow();
    }

    /// <summary>Raised after each decision (after the kernel call, for <see cref="FleetImportOutcome.Enforced"/>).</summary>
    public event Action<FleetImport>? Decided;

    /// <summary>Raised after an imported ban reached this host's kernel, with the time here (on the importer's task: do not block).</summary>
    public event Action<StoredBan, DateTimeOffset>? Enforced;

    /// <summary>Raised for every ended ban announced by NOTIFY (unbanned, allowlisted, superseded), on the importer's task.</summary>
    public event Action<Guid>? BanEnded;

    /// <summary>Other hosts' bans waiting here for <see cref="FleetOptions.Consensus"/> hosts (not expired).</summary>
    public int AwaitingConsensus => Volatile.Read(ref _awaiting);

    /// <summary>Ended-ban notifications heard.</summary>
    public long EndsHeard => Interlocked.Read(ref _endsHeard);

    /// <summary>Bans of other hosts put into this host's kernel.</summary>
    public long Imported => Interlocked.Read(ref _imported);

    /// <summary>Bans of other hosts refused because of the local allowlist.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>True while the listening connection is up.</summary>
    public bool Listening => _listener.Listening;

    /// <summary>Connections made by the listener (1 + reconnects).</summary>
    public long Connects => _listener.Connects;

    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        var listening = Task.Run(() => _listener.RunAsync(cancellationToken), CancellationToken.None);
        try
        {
            await GuardedAsync(ImportActiveAsync, cancellationToken);
            var reader = _listener.Signals;
            while (!cancellationToken.IsCancellationRequested)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                tick.CancelAfter(_options.CatchUpInterval);
                BanSignal signal;
                try
                {
                    signal = await reader.ReadAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    signal = BanSignal.CatchUp;
                }

                if (signal is { BanId: { } ended, Ended: true })
                {
                    // An unban (or allowlist entry) anywhere in the fleet: the operator-sync loop lifts it now.
                    Interlocked.Increment(ref _endsHeard);
                    BanEnded?.Invoke(ended);
                }
                else if (signal.BanId is { } id)
                {
                    await GuardedAsync(async ct =>
                    {
                        if (await _store.FindBanAsync(id, ct) is { } ban)
                        {
                            await ConsiderAsync(ban, ct);
                        }
                    }, cancellationToken);
                }
                else
                {
                    await GuardedAsync(CatchUpAsync, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            try
            {
                await listening;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    private async Task GuardedAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work(cancellationToken);
        }
        catch (Exception e) when (e is StorageException or Enforcement.Nftables.NftException or InvalidOperationException)
        {
            // The database or the kernel is briefly unavailable: the next signal or catch-up tries again.
            LogMessages.FleetImportFailed(_logger, e);
        }
    }

    // At start: every ban of another host still active (they may have been made while this host was down).
    private async Task ImportActiveAsync(CancellationToken ct)
    {
        foreach (var s in await _store.ListActiveBansAsync(_time.GetUtcNow(), ct))
        {
            await ConsiderAsync(s, ct);
        }
    }

    private async Task CatchUpAsync(CancellationToken ct)
    {
        foreach (var s in await _store.ListBansStartedSinceAsync(_newestSeen - Overlap, ct))
        {
            await ConsiderAsync(s, ct);
        }

        Forget();
    }

    internal async Task ConsiderAsync(StoredBan stored, CancellationToken ct)
    {
        var ban = stored.Ban;
        var now = _time.GetUtcNow();
        if (ban.StartedAt > _newestSeen)
        {
            _newestSeen = ban.StartedAt;
        }

        if (string.Equals(ban.OriginHost, _hostName, StringComparison.Ordinal) || ban.DryRun || RestrictionRecords.IsRestriction(ban.Reason)
            || !stored.IsActiveAt(now) || _done.ContainsKey(ban.Id))
        {
            return;
        }

        var target = new NetPrefix(ban.Target.Address, ban.Target.PrefixLength);
        if (_allowlist.Current.TryFindOverlap(target, out var entry))
        {
            _done[ban.Id] = ban.ExpiresAt;
            Interlocked.Increment(ref _refused);
            LogMessages.FleetBanAllowlisted(_logger, ban.Target.ToString(), ban.OriginHost, entry.ToString());
            await DecideAsync(ban, FleetImportOutcome.Allowlisted, $"allowlisted on {_hostName}: {entry}", now, ct);
            return;
        }

        var key = KernelKey(target);
        if (_options.Consensus > 1 && key is { } source)
        {
            var hosts = await _store.CountReportingHostsAsync(source, now - _options.ConsensusWindow, ct);
            if (hosts < _options.Consensus)
            {
                if (_pendingLogged.TryAdd(ban.Id, ban.ExpiresAt))
                {
                    Volatile.Write(ref _awaiting, _pendingLogged.Count);
                    LogMessages.FleetBanAwaitingConsensus(_logger, ban.Target.ToString(), ban.OriginHost, hosts, _options.Consensus);
                    await DecideAsync(ban, FleetImportOutcome.AwaitingConsensus, $"{hosts} of {_options.Consensus} hosts reported it", now, ct);
                }

                return;
            }
        }

        if (key is { } k)
        {
            await _enforcer.BanAsync([new BanRequest(k, ban.ExpiresAt - now)], ct);
        }

        // The policy knows it is banned (no second local ban for the same scanner; escalation still counts it).
        _policy.Restore(target, ban.ExpiresAt);
        _done[ban.Id] = ban.ExpiresAt;
        _pendingLogged.Remove(ban.Id);
        Volatile.Write(ref _awaiting, _pendingLogged.Count);
        Interlocked.Increment(ref _imported);
        LogMessages.FleetBan(_logger, ban.Target.ToString(), ban.ExpiresAt - now, ban.OriginHost, ban.Reason);
        Enforced?.Invoke(stored, now);

        await DecideAsync(ban, FleetImportOutcome.Enforced, null, now, ct);
    }

    private async Task DecideAsync(BanRecord ban, FleetImportOutcome outcome, string? detail, DateTimeOffset now, CancellationToken ct)
    {
        var import = new FleetImport { BanId = ban.Id, Host = _hostName, DecidedAt = now, Outcome = outcome, Detail = detail };
        Decided?.Invoke(import);
        await _store.RecordFleetImportAsync(import, ct);
    }

    private void Forget()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, expires) in _done)
        {
            if (expires < now)
            {
                _done.Remove(id);
                _pendingLogged.Remove(id);
            }
        }

        // Pending bans that were never imported are dropped once they could not be active any more.
        foreach (var (id, expires) in _pendingLogged)
        {
            if (expires < now)
            {
                _pendingLogged.Remove(id);
            }
        }

        Volatile.Write(ref _awaiting, _pendingLogged.Count);
    }

    // The kernel holds single addresses, IPv4 /24s and IPv6 /64s.
    private static SourceKey? KernelKey(NetPrefix target) =>
        SourceKey.TryForNetwork(target.Network, target.Length, out var key) ? key : null;
}
