using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PortVeil.Daemon.Api;
using PortVeil.Daemon.Fleet;
using PortVeil.Daemon.Metrics;
using PortVeil.Daemon.Notifications;
using PortVeil.Daemon.Operations;
using PortVeil.Daemon.Pipeline;
using PortVeil.Detection;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Interop;
using PortVeil.Enforcement.Nftables;
using PortVeil.Enforcement.Policy;
using PortVeil.Enforcement.ServedPorts;
using PortVeil.Sensors.Nflog;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;
using PortVeil.Storage.Postgres;

namespace PortVeil.Daemon;

/// <summary>
/// The composition root of `portveil run`: NFLOG sensor → detection engine → policy → nftables enforcer →
/// storage. Tests and benchmarks start this same class in-process (inside a lab namespace), as `portveil run` does
/// under systemd.
/// </summary>
/// <remarks>
/// Stopping leaves the kernel table and its bans in place: they expire by their own kernel timeouts, so a crashed
/// or upgraded daemon never opens the door. Starting restores active bans from the database.
/// </remarks>
public sealed class PortVeilDaemon : IHostedService, IAsyncDisposable
{
    private readonly DaemonStages _stages;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private IPortVeilStore? _store;
    private FleetImporter? _fleet;
    private Task? _fleetTask;
    private FleetCorrelator? _correlator;
    private Task? _correlatorTask;
    private int _duplicateHostNameSessions;
    private EventWriter? _writer;
    private NftEnforcer? _enforcer;
    private ServedPortWatcher? _served;
    private NflogSource? _nflog;
    private DetectionLoop? _detection;
    private BanStage? _banStage;
    private Task? _maintenanceTask;
    private Task? _operatorSyncTask;
    private Task? _storageHealthTask;
    private OperatorSyncLoop? _operatorSync;
    private AllowlistPusher? _allowPusher;
    private Thread? _allowlistThread;
    private BanPolicy? _policy;
    private IncidentNotifier? _notifier;
    private DetectionEngine? _engine;
    private ApiServer? _api;
    private DateTimeOffset _startedAt;
    private int _stopped;
    private int _realtimeRefusalLogged;
    private readonly Lock _spoofLock = new();
    private SpoofDrops _spoofDrops;

    public PortVeilDaemon(DaemonStages stages, ILogger<PortVeilDaemon>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        _stages = stages;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Metrics = new PortVeilMetrics(meterFactory);
        Metrics.Observe(() => Status(withLatency: false));
        Metrics.ObserveSpoofDrops(() => SpoofDrops);
        Metrics.ObserveFleet(() => FleetStatus.Of(_fleet, _correlator, Volatile.Read(ref _duplicateHostNameSessions)));
        Feed = new LiveFeed(stages.Api?.MaxLiveClients ?? ApiOptionsDefaults.MaxLiveClients);
    }

    /// <summary>The "PortVeil" meter's instruments (exported at /metrics).</summary>
    public PortVeilMetrics Metrics { get; }

    /// <summary>Bans, unbans and incidents as they happen, for the dashboard's live connections.</summary>
    public LiveFeed Feed { get; }

    /// <summary>The HTTP API, when <see cref="DaemonStages.Api"/> is set; its <see cref="ApiServer.BaseAddress"/> has the bound port.</summary>
    public ApiServer? Api => _api;

    /// <summary>The daemon's counters now; <paramref name="withLatency"/> adds ban latency percentiles (sorts up to 65 536 samples).</summary>
    public DaemonStatus Status(bool withLatency = true)
    {
        var writer = _writer?.Stats;
        var latency = _banStage?.Timings.Total;
        var hasLatency = withLatency && latency is { Count: > 0 };
        return new DaemonStatus
        {
            StartedAt = _startedAt,
            DryRun = _stages.Policy.DryRun,
            Events = Events,
            BansMade = Bans,
            BanFailures = BanFailures,
            ActiveBans = _policy?.ActiveBans ?? 0,
            TrackedSources = _engine?.TrackedSources ?? 0,
            KernelOverruns = _nflog?.Counters.Overruns ?? 0,
            RealtimeThreads = (_nflog?.Realtime.IsRealtime == true ? 1 : 0) + (_detection?.Realtime.IsRealtime == true ? 1 : 0),
            RealtimeDemotions = (_nflog?.Realtime.Demotions ?? 0) + (_detection?.Realtime.Demotions ?? 0),
            StorageQueueDepth = writer is { } w ? w.EventQueueDepth + w.PriorityQueueDepth + w.InFlight : 0,
            StorageHealthy = writer?.Healthy ?? true,
            StorageLastError = writer?.LastError,
            BanLatencyP50Ms = hasLatency ? latency!.QuantileMs(0.5) : null,
            BanLatencyP99Ms = hasLatency ? latency!.QuantileMs(0.99) : null,
        };
    }

    /// <summary>Chain spoof's drop counters as last read (every allowlist refresh, 5 s by default).</summary>
    public SpoofDrops SpoofDrops
    {
        get
        {
            lock (_spoofLock)
            {
                return _spoofDrops;
            }
        }
    }

    /// <summary>Bans put into the kernel since start.</summary>
    public long Bans => _banStage?.Bans ?? 0;

    /// <summary>Restrictions (decoy-cohort suspects) put into the kernel since start; not counted in <see cref="Bans"/>.</summary>
    public long Restrictions => _banStage?.Restrictions ?? 0;

    /// <summary>Kernel bans that failed (the incidents are still recorded).</summary>
    public long BanFailures => _banStage?.BanFailures ?? 0;

    /// <summary>Packet events the engine has processed.</summary>
    public long Events => _detection?.Events ?? 0;

    /// <summary>Deciding packet → element in the kernel set, for every ban made since start.</summary>
    public LatencyRecorder? BanLatency => _banStage?.Timings.Total;

    /// <summary>
    /// `sensor.realtime_priority` as granted to the NFLOG reader and detection threads: -1 not asked (or not started
    /// yet), 0 granted, else the errno that refused it (EPERM = 1: priority above RLIMIT_RTPRIO, no CAP_SYS_NICE).
    /// </summary>
    public (int Sensor, int Detection) RealtimeErrors => (_nflog?.RealtimeError ?? -1, _detection?.RealtimeError ?? -1);

    /// <summary>What the ban path's warm-up at start did; null when it was off or before start.</summary>
    public BanPathWarmUpResult? WarmUp { get; private set; }

    /// <summary>The ban path split into its stages (sensor, engine, policy, kernel), for every ban since start.</summary>
    public BanPathTimings? BanTimings => _banStage?.Timings;

    public EventWriter? Writer => _writer;

    /// <summary>
    /// False once the detection thread (which also decides and enforces bans) has faulted: the systemd watchdog
    /// then withholds its pings and systemd restarts the daemon.
    /// </summary>
    public bool IsHealthy() => _detection?.Fault is null;

    public NftEnforcer? Enforcer => _enforcer;

    public BanPolicy? Policy => _policy;

    /// <summary>The incident log and webhooks; call <see cref="IncidentNotifier.OnUnban"/> when a ban is lifted early.</summary>
    public IncidentNotifier? Notifier => _notifier;
    /// <summary>Ban, unban, allow and list by hand (the HTTP API calls these); null until started.</summary>
    public OperatorActions? Operator { get; private set; }

    /// <summary>The importer of other hosts' bans, when [fleet] is enabled on the PostgreSQL backend.</summary>
    public FleetImporter? Fleet => _fleet;

    /// <summary>The cross-host correlator, when [fleet] is enabled with correlation_hosts above 0.</summary>
    public FleetCorrelator? Correlator => _correlator;

    /// <summary>The database in use (SQLite or PostgreSQL); null until started.</summary>
    public IPortVeilStore? Store => _store;

    /// <summary>Passes of the loop that loads operator changes made through the database (the CLI) every second.</summary>
    public long OperatorSyncPasses => _operatorSync?.Passes ?? 0;

    /// <summary>Operator-sync passes started at once by a fleet NOTIFY of an ended ban (not by the one-second poll).</summary>
    public long OperatorSyncWokenPasses => _operatorSync?.WokenPasses ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var ns = _stages.NetworkNamespacePath;
        var enforcerOptions = _stages.Enforcer with { NetworkNamespacePath = ns ?? _stages.Enforcer.NetworkNamespacePath };
        if (_stages.Policy.DryRun)
        {
            // Dry-run bans nothing: the kernel's own reflex meter would, so it stays off.
            enforcerOptions = enforcerOptions with { Ruleset = enforcerOptions.Ruleset with { ReflexMeter = false } };
        }

        var group = enforcerOptions.Ruleset.NflogGroup;
        var nflogOptions = new NflogOptions
        {
            Groups = [group],
            CopyRange = _stages.Nflog.CopyRange,
            KernelBufferSize = _stages.Nflog.KernelBufferSize,
            QueueThreshold = _stages.Nflog.QueueThreshold,
            FlushTimeoutCentiseconds = _stages.Nflog.FlushTimeoutCentiseconds,
            ReceiveBufferSize = _stages.Nflog.ReceiveBufferSize,
            ChannelCapacity = _stages.Nflog.ChannelCapacity,
            RealtimePriority = _stages.Nflog.RealtimePriority,
        };

        // Storage first: its errors (permissions, a corrupt file) are the clearest to report before anything runs.
        _store = OpenStore();
        _writer = new EventWriter(_store, _stages.Writer);

        _enforcer = new NftEnforcer(enforcerOptions);
        await _enforcer.EnsureTableAsync(cancellationToken);

        var discovery = new AllowlistDiscovery(_stages.Allowlist);
        var allowlist = NetworkNamespaceJoin.Run(ns, () => new LiveAllowlist(discovery));
        allowlist.SetOperatorEntries(await OperatorActions.LoadOperatorEntriesAsync(_store, cancellationToken));
        _allowPusher = new AllowlistPusher(allowlist, _enforcer);
        await _allowPusher.PushIfChangedAsync();
        var history = await StoredOffenceHistory.LoadAsync(_store, DateTimeOffset.UtcNow, _stages.Policy.OffenceMemory, cancellationToken);
        _policy = new BanPolicy(_stages.Policy, allowlist, history);
        Operator = new OperatorActions(_store, _enforcer, allowlist, _policy, _stages.HostName);

        await RecoverKernelBansAsync(cancellationToken);
        await RestoreBansAsync(cancellationToken);

        _startedAt = DateTimeOffset.UtcNow;
        _notifier = new IncidentNotifier(_stages.Notifications, _logger);

        if (_stages.WarmUpBanPath)
        {
            // Before the sensor opens, so that the first real ban does not pay for JIT (BanPathWarmUp).
            WarmUp = BanPathWarmUp.Run(_stages, allowlist, _enforcer, _stages.HostName, _stages.WarmUpRounds);
            LogMessages.BanPathWarmedUp(_logger, WarmUp.KernelRoundTrips, WarmUp.Verdicts, WarmUp.Elapsed.TotalMilliseconds, WarmUp.KernelFailures, WarmUp.FirstError);
        }

        // Verdicts are decided and enforced on the detection thread (BanStage explains why).
        _banStage = new BanStage(_policy, _enforcer, _writer, _stages.HostName, _logger, _notifier, Metrics, Feed);
        var engine = new DetectionEngine(_stages.Detection, _banStage);
        _engine = engine;
        _nflog = NetworkNamespaceJoin.Run(ns, () => NflogSource.Open(nflogOptions));
        var nflog = _nflog;
        _banStage.SensorReceivedNs = () => nflog.LastReceivedNs;
        _detection = new DetectionLoop(_nflog, engine, new EventMinuteAggregator(_writer, originHost: _stages.HostName), ns, _stages.Nflog.RealtimePriority);

        WatchRealtime(_nflog.Realtime, "NFLOG reader");
        WatchRealtime(_detection.Realtime, "detection");

        _served = NetworkNamespaceJoin.Run(ns, () => new ServedPortWatcher(_stages.ServedPorts with { NetworkNamespacePath = ns ?? _stages.ServedPorts.NetworkNamespacePath }, _enforcer));
        _served.Changed += _detection.OnServedPortsChanged;
        var first = await _served.RefreshAsync();
        _detection.OnServedPortsChanged(new ServedPortsChange(first.Current, [], first.Current));
        _detection.Start();

        var maintenance = new MaintenanceLoop(_store, _store, _stages.Retention, _logger);
        _maintenanceTask = Task.Run(() => maintenance.RunAsync(_stop.Token), CancellationToken.None);
        var health = new StorageHealthReporter(_writer, _stages.Writer, _stages.Storage.Path, _logger);
        _storageHealthTask = Task.Run(() => health.RunAsync(_stop.Token), CancellationToken.None);
        _operatorSync = new OperatorSyncLoop(_store, _store, allowlist, _allowPusher, _policy, _enforcer, _logger, notifier: _notifier,
            ownHost: _store.Backend == StorageBackend.Postgresql ? _stages.HostName : null, feed: Feed);
        Operator.Ending += _operatorSync.AnnouncedElsewhere; // the API announces its own unbans; the loop the CLI's
        _operatorSyncTask = Task.Run(() => _operatorSync.RunAsync(_stop.Token), CancellationToken.None);

        await StartFleetAsync(allowlist, cancellationToken);
        _allowlistThread = new Thread(() => AllowlistLoop(allowlist)) { IsBackground = true, Name = "portveil allowlist" };
        _allowlistThread.Start();
        if (_stages.Api is { } apiOptions)
        {
            try
            {
                await StartApiAsync(apiOptions, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                // Protection does not depend on the dashboard: the daemon keeps banning without it.
                LogMessages.ApiFailed(_logger, e, apiOptions.Listen);
                if (_api is not null)
                {
                    await _api.DisposeAsync();
                    _api = null;
                }
            }
        }

        LogMessages.Started(_logger, enforcerOptions.Ruleset.Table, group, _store.Location, _stages.Policy.DryRun);
    }

    /// <summary>
    /// Logs the real-time priority of a ban-path thread: a refusal once for the daemon (in plain words, with what
    /// to do), each demotion and re-promotion as it happens (at most once a second per thread).
    /// </summary>
    private void WatchRealtime(Sensors.RealtimeGovernor governor, string thread)
    {
        governor.Changed += (g, step) => OnRealtimeChanged(g, step, thread);

        // The reader thread runs already: a refusal may have come before the handler.
        if (governor.Error > 0)
        {
            OnRealtimeChanged(governor, Sensors.RealtimeStep.Refused, thread);
        }
    }

    private void OnRealtimeChanged(Sensors.RealtimeGovernor governor, Sensors.RealtimeStep step, string thread)
    {
        switch (step)
        {
            case Sensors.RealtimeStep.Refused when Interlocked.Exchange(ref _realtimeRefusalLogged, 1) == 0:
                LogMessages.RealtimeRefused(_logger, thread, governor.Error, governor.Priority, Sensors.RealtimeThread.RtprioLimit());
                break;
            case Sensors.RealtimeStep.Demote:
                LogMessages.RealtimeDemoted(_logger, thread, Sensors.RealtimeGovernor.QuietWindowsToPromote);
                break;
            case Sensors.RealtimeStep.Promote:
                LogMessages.RealtimePromoted(_logger, thread, governor.Priority);
                break;
        }
    }

    private async Task StartFleetAsync(LiveAllowlist allowlist, CancellationToken cancellationToken)
    {
        if (!_stages.Fleet.Enabled)
        {
            return;
        }

        if (_store is not PostgresStore postgres)
        {
            LogMessages.FleetNeedsPostgres(_logger);
            return;
        }

        // Before our own listener connects, so the only sessions under its name are another host's.
        Volatile.Write(ref _duplicateHostNameSessions, await FleetHostNameCheck.RunAsync(postgres, _stages.HostName, _logger, cancellationToken));
        var listener = new PostgresBanListener(postgres, FleetHostNameCheck.ListenerApplicationName(_stages.HostName));
        _fleet = new FleetImporter(postgres, listener, allowlist, _policy!, _enforcer!, _stages.Fleet, _stages.HostName, _logger);
        _fleet.BanEnded += _ => _operatorSync?.Wake(); // an unban anywhere in the fleet is lifted here at once, not at the next poll
        FleetFeed.Connect(_fleet, postgres, Feed, Metrics, _stop.Token);
        _fleetTask = Task.Run(() => _fleet.RunAsync(_stop.Token), CancellationToken.None);
        LogMessages.FleetStarted(_logger, postgres.Location, _stages.Fleet.Consensus);
        if (_stages.Fleet.CorrelationHosts > 0)
        {
            _correlator = new FleetCorrelator(postgres, _policy!, _enforcer!, _stages.Fleet, _stages.HostName, _logger);
            var notifier = _notifier is { Enabled: true } n ? n : null;
            _correlator.Banned += (ban, incidentId, verdict) =>
            {
                // The same metrics and notifications as a ban decided on the detection thread (BanStage).
                Metrics.Verdict(verdict.Detector, verdict.Scan);
                Metrics.Ban(ban.DryRun);
                if (!ban.DryRun)
                {
                    notifier?.OnBan(ban, incidentId, verdict);
                }

                notifier?.OnIncident(incidentId, verdict, _stages.HostName, ban);
                FleetFeed.PublishCorrelated(Feed, ban, incidentId, verdict);
            };
            _correlatorTask = Task.Run(() => _correlator.RunAsync(_stop.Token), CancellationToken.None);
        }
    }

    private async Task StartApiAsync(ApiOptions options, CancellationToken cancellationToken)
    {
        // The API listens in the daemon's own network namespace (loopback of the host), not the protected one.
        var token = ApiToken.LoadOrCreate(options.TokenFile);
        _api = ApiServer.Create(options, token, new ApiContext
        {
            Bans = _store!,
            Incidents = _store!,
            Status = () => Status(),
            Feed = Feed,
            Metrics = Metrics,
            Actions = Operator,
        });
        await _api.StartAsync(cancellationToken);
        LogMessages.ApiStarted(_logger, _api.BaseAddress.ToString(), options.TokenFile);
    }

    /// <summary>
    /// Opens the database. A corrupt file at start is moved aside (portveil.db.corrupt-TIME, with its -wal and -shm)
    /// and a fresh database is created, so protection never waits for a person; the bans still in the kernel are
    /// recorded again by <see cref="RecoverKernelBansAsync"/>. Any other storage error stops the start.
    /// </summary>
    private IPortVeilStore OpenStore()
    {
        if (_stages.StorageBackend == StorageBackend.Postgresql)
        {
            return PortVeilStores.Open(_stages.StorageBackend, _stages.Storage, _stages.Postgres with { ApplicationName = "portveil " + _stages.HostName });
        }

        // SQLite: a corrupt file is moved aside and a fresh database started (kernel bans are recovered into it).
        try
        {
            return SqliteStore.Open(_stages.Storage);
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.Corrupt)
        {
            var movedTo = SqliteStore.MoveAsideCorrupt(_stages.Storage.Path, DateTimeOffset.UtcNow);
            LogMessages.CorruptDatabaseMovedAside(_logger, e, Path.GetFullPath(_stages.Storage.Path), movedTo);
            return SqliteStore.Open(_stages.Storage);
        }
    }

    /// <summary>Records kernel bans that a kill -9 kept from reaching the database (see <see cref="KernelBanRecovery"/>).</summary>
    private async Task RecoverKernelBansAsync(CancellationToken cancellationToken)
    {
        if (_stages.Policy.DryRun)
        {
            return;
        }

        var kernel = await _enforcer!.ListAsync(cancellationToken);
        var plan = await KernelBanRecovery.PlanAsync(_store!, kernel, _stages.HostName, DateTimeOffset.UtcNow,
            sharedDatabase: _store!.Backend == StorageBackend.Postgresql, cancellationToken);
        await FleetRecovery.ApplyAsync(plan, _enforcer, _logger, cancellationToken);
        foreach (var record in plan.Records)
        {
            try
            {
                // Committed before anything else runs, so a second crash right after this start loses nothing either.
                await _store!.RecordBanAsync(record, cancellationToken);
            }
            catch (StorageException e) when (e.IsTransient)
            {
                // A read-only or full database still lets the daemon start and protect: the record waits in the
                // writer's buffer, and the kernel element stays the source of truth until it is written.
                LogMessages.RecoveredBanBuffered(_logger, e, record.Target.ToString());
                _writer!.TryWriteBan(record);
            }

            LogMessages.RecoveredFromKernel(_logger, record.Target.ToString(), record.ExpiresAt - record.StartedAt);
        }
    }

    private async Task RestoreBansAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var active = await _store!.ListActiveBansAsync(now, cancellationToken);
        var restored = 0;
        foreach (var stored in active)
        {
            var ban = stored.Ban;

            // A shared (fleet) database holds other hosts' bans too: those are the fleet importer's to judge
            // (allowlist, consensus), not restored blindly.
            if (ban.DryRun || (_store.Backend == StorageBackend.Postgresql && !string.Equals(ban.OriginHost, _stages.HostName, StringComparison.Ordinal)))
            {
                continue;
            }

            var target = new NetPrefix(ban.Target.Address, ban.Target.PrefixLength);
            var remaining = ban.ExpiresAt - now;
            try
            {
                if (RestrictionRecords.IsRestriction(ban.Reason))
                {
                    // A decoy-cohort suspect: back into the suspect sets, never into the ban sets.
                    await _enforcer!.RestrictAsync(RestoreRequests(target, remaining), cancellationToken);
                    _policy!.RestoreRestriction(target, ban.ExpiresAt);
                    restored++;
                    continue;
                }

                await _enforcer!.BanAsync(RestoreRequests(target, remaining), cancellationToken);
                _policy!.Restore(target, ban.ExpiresAt);
                restored++;
            }
            catch (Exception e) when (e is NftException or InvalidOperationException)
            {
                LogMessages.RestoreFailed(_logger, e, ban.Target.ToString());
            }
        }

        LogMessages.Restored(_logger, restored, _store.Location);
    }

    private static IReadOnlyList<BanRequest> RestoreRequests(NetPrefix target, TimeSpan remaining)
    {
        // Single addresses, IPv4 /24s (banned4_24) and IPv6 /64s (banned6_64).
        return Core.SourceKey.TryForNetwork(target.Network, target.Length, out var key) ? [new BanRequest(key, remaining)] : [];
    }

    private void AllowlistLoop(LiveAllowlist allowlist)
    {
        try
        {
            NetworkNamespaceJoin.JoinCurrentThread(_stages.NetworkNamespacePath);
        }
        catch (InvalidOperationException e)
        {
            LogMessages.AllowlistRefreshFailed(_logger, e);
            return;
        }

        while (!_stop.Token.WaitHandle.WaitOne(_stages.AllowlistRefresh))
        {
            try
            {
                allowlist.Refresh();
                _allowPusher!.PushIfChangedAsync().GetAwaiter().GetResult();

                // Off the packet path: one `list chain` every refresh, for /metrics.
                var drops = _enforcer!.ReadSpoofDropsAsync().GetAwaiter().GetResult();
                lock (_spoofLock)
                {
                    _spoofDrops = drops;
                }
            }
            catch (Exception e) when (e is IOException or NftException or InvalidOperationException)
            {
                LogMessages.AllowlistRefreshFailed(_logger, e);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host stops, then disposes: stop only once.
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        LogMessages.Stopping(_logger);
        await _stop.CancelAsync();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        _nflog?.Dispose();
        _detection?.Dispose();
        if (_detection?.Fault is { } fault)
        {
            LogMessages.DetectionFault(_logger, fault);
        }

        foreach (var task in new[] { _maintenanceTask, _operatorSyncTask, _storageHealthTask, _fleetTask, _correlatorTask })
        {
            if (task is not null)
            {
                try
                {
                    await task;
                }
                catch (OperationCanceledException)
                {
                    // Stopping.
                }
            }
        }

        _allowlistThread?.Join(TimeSpan.FromSeconds(5));
        if (_notifier is not null)
        {
            await _notifier.DisposeAsync();
        }

        _served?.Dispose();
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        _allowPusher?.Dispose();
        _enforcer?.Dispose();
        _store?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stop.Dispose();
        Metrics.Dispose();
    }
}
