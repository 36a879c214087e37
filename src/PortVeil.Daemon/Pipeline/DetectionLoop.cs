using System.Collections.Concurrent;
using PortVeil.Core;
using PortVeil.Detection;
using PortVeil.Enforcement.ServedPorts;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// The engine's own thread: reads packet events from the sensor, runs the detection engine, folds events into
/// per-minute aggregates for storage. The engine is single-threaded by design, so everything that touches it
/// (served-port changes included) is applied here.
/// </summary>
internal sealed class DetectionLoop : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly long FlushEveryNs = TimeSpan.FromSeconds(1).Ticks * 100;

    private readonly IPacketSource _source;
    private readonly DetectionEngine _engine;
    private readonly EventMinuteAggregator? _aggregator;
    private readonly ConcurrentQueue<ServedPortsChange> _servedChanges = new();
    private readonly Thread _thread;
    private readonly string? _networkNamespacePath;
    private readonly Sensors.RealtimeGovernor _realtime;
    private volatile bool _stopping;
    private long _events;

    /// <param name="networkNamespacePath">The namespace the thread joins first, so that bans made from it (the
    /// engine's verdict sink runs here) run libnftables on this thread; null stays in the process's namespace.</param>
    /// <param name="realtimePriority">SCHED_FIFO priority for the thread (`sensor.realtime_priority`); 0 keeps the normal policy.</param>
    public DetectionLoop(IPacketSource source, DetectionEngine engine, EventMinuteAggregator? aggregator, string? networkNamespacePath = null, int realtimePriority = 0)
    {
        // Backlog: a quarter of the sensor's queue (or 4 096 events for other sources) counts as saturated.
        _realtime = new Sensors.RealtimeGovernor(realtimePriority, source is Sensors.Nflog.NflogSource n ? Math.Max(16, n.QueueCapacity / 4) : 4096);
        _networkNamespacePath = networkNamespacePath;
        _source = source;
        _engine = engine;
        _aggregator = aggregator;
        _thread = new Thread(Run) { IsBackground = true, Name = "portveil detection" };
    }

    public long Events => Interlocked.Read(ref _events);

    /// <summary>-1 before start or when no real-time priority was asked for; 0 when granted; else the refusing errno.</summary>
    public int RealtimeError => _realtime.Error;

    /// <summary>The detection thread's real-time priority, demoted while saturated.</summary>
    public Sensors.RealtimeGovernor Realtime => _realtime;

    /// <summary>An exception that ended the loop, if any (reported by the daemon, never swallowed).</summary>
    public Exception? Fault { get; private set; }

    public void Start() => _thread.Start();

    /// <summary>Called from the served-port watcher's thread; applied on the engine thread.</summary>
    public void OnServedPortsChanged(ServedPortsChange change) => _servedChanges.Enqueue(change);

    private void Run()
    {
        long lastFlush = 0;
        try
        {
            Enforcement.Interop.NetworkNamespaceJoin.JoinCurrentThread(_networkNamespacePath);
            // Refused (RLIMIT_RTPRIO below the priority, no CAP_SYS_NICE) is not fatal: the thread runs at normal priority and the daemon says so.
            _realtime.Start(Sensors.RealtimeGovernor.MonotonicNs());
            var nflog = _source as Sensors.Nflog.NflogSource;
            while (!_stopping)
            {
                ApplyServedChanges();
                var now = NowNs();

                // Wakes at least every 200 ms (ReadTimeout), so a window always closes.
                var monotonicNs = Sensors.RealtimeGovernor.MonotonicNs();
                if (_realtime.IsDue(monotonicNs))
                {
                    _realtime.Tick(monotonicNs, nflog?.Backlog ?? 0);
                }
                if (TryRead(out var packet))
                {
                    _engine.Process(in packet);
                    _aggregator?.Add(in packet);
                    Interlocked.Increment(ref _events);
                }

                if (now - lastFlush >= FlushEveryNs)
                {
                    _engine.Flush(now);
                    _aggregator?.Flush();
                    lastFlush = now;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fault = e;
        }
    }

    private bool TryRead(out PacketEvent packet) =>
        _source is Sensors.Nflog.NflogSource nflog ? nflog.TryRead(out packet, ReadTimeout) : _source.TryRead(out packet);

    private void ApplyServedChanges()
    {
        while (_servedChanges.TryDequeue(out var change))
        {
            foreach (var p in change.Removed)
            {
                _engine.Served.Unmark(p.Protocol, p.Port);
            }

            foreach (var p in change.Added)
            {
                _engine.Served.Mark(p.Protocol, p.Port);
            }
        }
    }

    private static long NowNs() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    public void Dispose()
    {
        _stopping = true;
        if (_thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }
    }
}
