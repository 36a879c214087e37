using System.Diagnostics.Metrics;
using PortVeil.Core;
using PortVeil.Daemon.Api;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Daemon.Metrics;

/// <summary>
/// Owns the "PortVeil" <see cref="Meter"/> and its instruments. Counters that change per verdict or per ban are
/// recorded by the ban loop (a few per scan, never per packet); everything the daemon already counts (events,
/// overruns, table sizes, queue depth) is an observable instrument read at scrape time, costing the hot path nothing.
/// </summary>
public sealed class PortVeilMetrics : IDisposable
{
    public const string MeterName = "PortVeil";

    /// <summary>
    /// Ban latency buckets in seconds: the kernel path is ~0.1 ms per element and the daemon path a few ms
    /// (docs/benchmarks.md), so the buckets are dense below 10 ms and reach 10 s for a stalled daemon.
    /// </summary>
    public static readonly IReadOnlyList<double> LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _bans;
    private readonly Counter<long> _banFailures;
    private readonly Counter<long> _unbans;
    private readonly Histogram<double> _banLatency;
    /// <summary>
    /// Fleet propagation buckets in seconds: NOTIFY delivers in milliseconds (p99 15 ms on loopback, docs/benchmarks.md),
    /// the catch-up safety net in up to 5 s, a reconnect in up to a minute; clock differences between hosts add to it.
    /// </summary>
    public static readonly IReadOnlyList<double> PropagationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter<long> _fleetImports;
    private readonly Histogram<double> _propagationLag;
    private Func<Fleet.FleetStatus>? _fleet;
    private Func<DaemonStatus>? _status;
    private Func<SpoofDrops>? _spoofDrops;
    private DaemonStatus? _snapshot;

    public PortVeilMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _verdicts = _meter.CreateCounter<long>("portveil.verdicts", "{verdict}", "Scan verdicts decided by the detection engine, by detector and scan type.");
        _bans = _meter.CreateCounter<long>("portveil.bans", "{ban}", "Bans decided since start (mode: enforced or dry-run).");
        _banFailures = _meter.CreateCounter<long>("portveil.ban.failures", "{ban}", "Kernel bans that failed (the incident is still recorded).");
        _unbans = _meter.CreateCounter<long>("portveil.unbans", "{ban}", "Bans removed by an operator (CLI or API).");
        _banLatency = _meter.CreateHistogram("portveil.ban.latency", "s", "From the deciding packet's kernel timestamp to the element committed in the kernel ban set.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _meter.CreateObservableCounter("portveil.events", () => Status()?.Events ?? 0, "{event}", "Packet events (NFLOG connection attempts) processed by the detection engine.");
        _meter.CreateObservableGauge("portveil.bans.active", () => Status()?.ActiveBans ?? 0, "{ban}", "Bans currently active (kernel set elements the policy tracks).");
        _meter.CreateObservableCounter("portveil.kernel.overruns", () => Status()?.KernelOverruns ?? 0, "{overrun}", "NFLOG receive overruns (ENOBUFS): the kernel dropped log messages because the socket buffer was full.");
        _meter.CreateObservableCounter("portveil.kernel.spoofed", SpoofMeasurements, "{packet}",
            "Packets with forged sources dropped by chain spoof, before the allowlist, NFLOG and the detectors (check: local_source, reverse_path).");
        _meter.CreateObservableGauge("portveil.engine.sources", () => Status()?.TrackedSources ?? 0, "{source}", "Sources tracked in the detection engine's fixed-capacity table.");
        _fleetImports = _meter.CreateCounter<long>("portveil.fleet.imports", "{ban}",
            "Other fleet hosts' bans decided here (outcome: enforced, allowlisted, awaiting_consensus).");
        _propagationLag = _meter.CreateHistogram("portveil.fleet.propagation.lag", "s",
            "From another host's ban decision (its start time) to the element in this host's kernel; includes the hosts' clock difference.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PropagationBuckets });
        _meter.CreateObservableGauge("portveil.fleet.consensus.pending", () => Fleet().AwaitingConsensus, "{ban}",
            "Other hosts' bans waiting here for fleet.consensus distinct reporting hosts.");
        _meter.CreateObservableCounter("portveil.fleet.correlation.decisions", CorrelationMeasurements, "{decision}",
            "Cross-host correlation decisions of this host (kind: source or prefix; outcome: banned, lost to another host, refused by the policy).");
        _meter.CreateObservableGauge("portveil.fleet.listener.connected", () => Fleet().ListenerConnected ? 1 : 0, "{connection}",
            "1 while the fleet NOTIFY listener is connected to PostgreSQL and listening, else 0.");
        _meter.CreateObservableCounter("portveil.fleet.listener.reconnects", () => Fleet().ListenerReconnects, "{reconnect}",
            "Reconnects of the fleet NOTIFY listener after its first connection (each followed by a catch-up read).");
        _meter.CreateObservableCounter("portveil.fleet.unban.notifications", () => Fleet().UnbanNotifications, "{notification}",
            "Ended-ban notifications (unbans anywhere in the fleet) heard; each wakes the operator-sync loop.");
        _meter.CreateObservableGauge("portveil.fleet.host_name.duplicates", () => Fleet().DuplicateHostNameSessions, "{session}",
            "Other sessions connected to the fleet database under this host's fleet.host_name when fleet mode started (checked once at start); above 0, two hosts share one name and ignore each other's bans.");
        _meter.CreateObservableGauge("portveil.ban_path.realtime_threads", () => Status()?.RealtimeThreads ?? 0, "{thread}",
            "Ban-path threads (NFLOG reader, detection) under SCHED_FIFO now: 2 normally; fewer while saturated (demoted), when refused (RLIMIT_RTPRIO below the priority) or with sensor.realtime_priority = 0.");
        _meter.CreateObservableCounter("portveil.ban_path.realtime_demotions", () => Status()?.RealtimeDemotions ?? 0, "{demotion}",
            "Times a ban-path thread was saturated (busy over half a second in a second, or its queue a quarter full) and went back to normal scheduling.");
        _meter.CreateObservableGauge("portveil.storage.queue.depth", () => Status()?.StorageQueueDepth ?? 0, "{record}", "Records waiting in the storage writer's queues (bans, incidents, event aggregates).");
    }

    public Meter Meter => _meter;

    /// <summary>Where the observable instruments read from (the running daemon's counters).</summary>
    public void Observe(Func<DaemonStatus> status) => _status = status;

    /// <summary>Where portveil.kernel.spoofed reads from (the daemon's last reading of chain spoof's counters).</summary>
    public void ObserveSpoofDrops(Func<SpoofDrops> drops) => _spoofDrops = drops;

    /// <summary>Where the portveil.fleet.* observable instruments read from (zeros when not set: a host without fleet mode).</summary>
    public void ObserveFleet(Func<Fleet.FleetStatus> fleet) => _fleet = fleet;

    public void FleetImport(string outcome)
    {
        if (_fleetImports.Enabled)
        {
            _fleetImports.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void FleetPropagationLag(double seconds) => _propagationLag.Record(seconds);

    private Fleet.FleetStatus Fleet() => _fleet?.Invoke() ?? default;

    private IEnumerable<Measurement<long>> CorrelationMeasurements()
    {
        var f = Fleet();
        return
        [
            Measure(f.SourceBans, "source", "banned"),
            Measure(f.PrefixBans, "prefix", "banned"),
            Measure(f.Lost, "any", "lost"),
            Measure(f.Refused, "any", "refused"),
        ];

        static Measurement<long> Measure(long value, string kind, string outcome) =>
            new(value, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
    }

    private IEnumerable<Measurement<long>> SpoofMeasurements()
    {
        var d = _spoofDrops?.Invoke() ?? default;
        return
        [
            new Measurement<long>(d.LocalSource, new KeyValuePair<string, object?>("check", "local_source")),
            new Measurement<long>(d.ReversePath, new KeyValuePair<string, object?>("check", "reverse_path")),
        ];
    }

    /// <summary>Takes one status snapshot for the observable instruments; the exporter calls it once per scrape.</summary>
    public void RefreshSnapshot() => _snapshot = _status?.Invoke();

    public void Verdict(DetectorKind detector, ScanKind scan)
    {
        if (_verdicts.Enabled)
        {
            _verdicts.Add(1, new KeyValuePair<string, object?>("detector", ScanNames.Of(detector)), new KeyValuePair<string, object?>("scan", ScanNames.Of(scan)));
        }
    }

    public void Ban(bool dryRun)
    {
        if (_bans.Enabled)
        {
            _bans.Add(1, new KeyValuePair<string, object?>("mode", dryRun ? "dry-run" : "enforced"));
        }
    }

    public void BanFailure() => _banFailures.Add(1);

    public void Unban() => _unbans.Add(1);

    public void BanLatency(double seconds) => _banLatency.Record(seconds);

    private DaemonStatus? Status() => _snapshot;

    public void Dispose() => _meter.Dispose();
}
