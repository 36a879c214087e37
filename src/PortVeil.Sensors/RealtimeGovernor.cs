using PortVeil.Sensors.Interop;

namespace PortVeil.Sensors;

/// <summary>
/// Real-time priority for one thread of the ban path (the NFLOG reader, the detection thread) while it is mostly
/// idle, normal scheduling while it is saturated. Measured (`ban-path-latency`, 2 busy cores): under SCHED_FIFO the
/// ban path's p99 is 0.3-0.9 ms, under normal scheduling 1.2-10 ms, all of it a woken thread waiting for a CPU.
/// </summary>
/// <remarks>
/// <para>The risk of SCHED_FIFO is a flood: a real-time thread that never blocks outranks every normal process on
/// its core (the kernel's RT throttling still leaves them 5 %). So the governed thread measures itself every
/// <see cref="WindowNs"/>: when it was busy (on a CPU) more than <see cref="DemoteBusyFraction"/> of the window, or
/// its input backlog reached the limit, it demotes itself to SCHED_OTHER; after
/// <see cref="QuietWindowsToPromote"/> windows in a row below <see cref="PromoteBusyFraction"/> with no backlog it
/// promotes itself again. A lone scan is far from saturation: a ban costs ~0.15 ms of CPU.</para>
/// <para>Everything runs on the governed thread itself (sched_setscheduler with pid 0 and the thread's own CPU
/// clock); <see cref="Tick"/> costs one comparison until a window closes, then one clock_gettime.</para>
/// <para>Demotion to SCHED_OTHER needs no privilege (sched(7); RealtimeGovernorTests drops CAP_SYS_NICE first).
/// Promotion back to SCHED_FIFO needs what the first request did: CAP_SYS_NICE, or (per sched(7) and the kernel's
/// __sched_setscheduler) a RLIMIT_RTPRIO of at least the priority; with neither it fails quietly and the thread
/// stays normal. Without either at start the kernel refuses the first request (EPERM):
/// the thread keeps normal scheduling, nothing is retried,
/// and <see cref="Changed"/> reports <see cref="RealtimeStep.Refused"/> once, so the daemon can say so.</para>
/// </remarks>
public sealed class RealtimeGovernor
{
    /// <summary>One measuring window: 1 s.</summary>
    public const long WindowNs = 1_000_000_000;

    /// <summary>Busier than half of a window (on a 2-core host, a quarter of the machine) demotes.</summary>
    public const double DemoteBusyFraction = 0.5;

    /// <summary>Below a fifth of a window counts as quiet.</summary>
    public const double PromoteBusyFraction = 0.2;

    /// <summary>Quiet windows in a row before re-promotion: 3 s, so a pulsing flood cannot flap the policy every second.</summary>
    public const int QuietWindowsToPromote = 3;

    private readonly int _priority;
    private readonly int _backlogLimit;
    private long _windowStartNs;
    private long _windowStartCpuNs;
    private int _quietWindows;
    private volatile bool _realtime;
    private int _error = -1;
    private long _demotions;
    private long _promotions;

    /// <param name="priority">SCHED_FIFO priority (1-99); 0 governs nothing (normal scheduling throughout).</param>
    /// <param name="backlogLimit">Input waiting (events queued for the thread) that counts as saturated on its own.</param>
    public RealtimeGovernor(int priority, int backlogLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priority);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priority, 99);
        ArgumentOutOfRangeException.ThrowIfLessThan(backlogLimit, 1);
        _priority = priority;
        _backlogLimit = backlogLimit;
    }

    /// <summary>Raised on the governed thread when its policy changes (at most once a window) or was refused.</summary>
    public event Action<RealtimeGovernor, RealtimeStep>? Changed;

    public int Priority => _priority;

    /// <summary>True while the thread runs under SCHED_FIFO.</summary>
    public bool IsRealtime => _realtime;

    /// <summary>-1 when not asked (priority 0) or not started; 0 when granted; else the errno that refused it.</summary>
    public int Error => Volatile.Read(ref _error);

    /// <summary>Times the thread was saturated and went back to normal scheduling.</summary>
    public long Demotions => Interlocked.Read(ref _demotions);

    /// <summary>Times it went back under SCHED_FIFO after a demotion.</summary>
    public long Promotions => Interlocked.Read(ref _promotions);

    /// <summary>Call once on the governed thread before its loop: asks for SCHED_FIFO. Returns <see cref="Error"/>.</summary>
    public int Start(long nowNs)
    {
        if (_priority == 0)
        {
            return -1;
        }

        var error = RealtimeThread.TrySetFifo(_priority);
        Volatile.Write(ref _error, error);
        _realtime = error == 0;
        _windowStartNs = nowNs;
        _windowStartCpuNs = ThreadCpuNs();
        if (error != 0)
        {
            Changed?.Invoke(this, RealtimeStep.Refused);
        }

        return error;
    }

    /// <summary>
    /// True when a window has closed and <see cref="Tick"/> would decide: callers check this first, so the backlog
    /// (a locked read of the channel's count) is only read once a second, never per packet.
    /// </summary>
    public bool IsDue(long nowNs) => Volatile.Read(ref _error) == 0 && nowNs - _windowStartNs >= WindowNs;

    /// <summary>
    /// Call on the governed thread at least every few hundred ms (the loops wake every 100-200 ms when idle);
    /// <paramref name="backlog"/> is the input waiting for it now.
    /// </summary>
    public void Tick(long nowNs, int backlog)
    {
        if (Volatile.Read(ref _error) != 0 || nowNs - _windowStartNs < WindowNs)
        {
            return;
        }

        var cpuNs = ThreadCpuNs();
        var (step, quiet) = Decide(_realtime, cpuNs - _windowStartCpuNs, nowNs - _windowStartNs, backlog, _backlogLimit, _quietWindows);
        _quietWindows = quiet;
        _windowStartNs = nowNs;
        _windowStartCpuNs = cpuNs;
        Apply(step);
    }

    /// <summary>
    /// The whole policy, as a pure function: given whether the thread is under SCHED_FIFO now, how long it was on a
    /// CPU in the window just ended, the window's length, its backlog now and the quiet windows counted so far,
    /// what to do and the new count of quiet windows.
    /// </summary>
    public static (RealtimeStep Step, int QuietWindows) Decide(bool realtime, long busyNs, long windowNs, int backlog, int backlogLimit, int quietWindows)
    {
        var saturated = busyNs > windowNs * DemoteBusyFraction || backlog >= backlogLimit;
        if (realtime)
        {
            return saturated ? (RealtimeStep.Demote, 0) : (RealtimeStep.Stay, 0);
        }

        var quiet = busyNs < windowNs * PromoteBusyFraction && backlog == 0;
        if (!quiet)
        {
            return (RealtimeStep.Stay, 0);
        }

        return quietWindows + 1 >= QuietWindowsToPromote ? (RealtimeStep.Promote, 0) : (RealtimeStep.Stay, quietWindows + 1);
    }

    private void Apply(RealtimeStep step)
    {
        if (step == RealtimeStep.Demote)
        {
            if (Sys.SchedSetScheduler(0, Sys.SchedOther, new Sys.SchedParam { Priority = 0 }) == 0)
            {
                _realtime = false;
                Interlocked.Increment(ref _demotions);
                Changed?.Invoke(this, step);
            }
        }
        else if (step == RealtimeStep.Promote)
        {
            if (RealtimeThread.TrySetFifo(_priority) == 0)
            {
                _realtime = true;
                Interlocked.Increment(ref _promotions);
                Changed?.Invoke(this, step);
            }
        }
    }

    /// <summary>CPU time the calling thread has used, in ns (CLOCK_THREAD_CPUTIME_ID); 0 if unavailable.</summary>
    public static long ThreadCpuNs() =>
        Sys.ClockGetTime(Sys.ClockThreadCpuTime, out var t) == 0 ? (t.Seconds * 1_000_000_000) + t.Nanoseconds : 0;

    /// <summary>A monotonic clock in ns at millisecond resolution (plenty for 1 s windows; a vDSO read).</summary>
    public static long MonotonicNs() => Environment.TickCount64 * 1_000_000;
}
