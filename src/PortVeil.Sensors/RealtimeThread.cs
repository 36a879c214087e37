using System.Runtime.InteropServices;
using PortVeil.Sensors.Interop;

namespace PortVeil.Sensors;

/// <summary>
/// Puts the calling thread under SCHED_FIFO, for the two threads of the ban path (the NFLOG reader and the
/// detection thread) when `sensor.realtime_priority` asks for it.
/// </summary>
/// <remarks>
/// Why: on a CPU-saturated host (measured: 2 cores, load 15, CPU pressure 94 %) a woken thread waits for a CPU
/// for milliseconds, and that, not PortVeil's code, made the ban path's p99 5-13 ms; with SCHED_FIFO it was
/// 0.9 ms. The risk: a real-time thread outranks every normal process, so under a flood the reader could take a
/// whole core; the kernel's RT throttling (sched_rt_runtime_us, 95 % by default) still leaves the rest 5 %. So the
/// threads use it through <see cref="RealtimeGovernor"/>, which demotes a saturated thread to normal scheduling.
/// Needs CAP_SYS_NICE (root has it; the packaged unit grants it) or, without it, a RLIMIT_RTPRIO soft limit of at
/// least <c>priority</c> (sched(7)). Under the limit alone a thread may also leave SCHED_FIFO for
/// SCHED_OTHER and come back up to the limit, which is all <see cref="RealtimeGovernor"/> does; it never sets
/// SCHED_RESET_ON_FORK (which an unprivileged thread could not clear again).
/// </remarks>
public static class RealtimeThread
{
    /// <summary>
    /// Sets the calling thread to SCHED_FIFO at <paramref name="priority"/> (1-99); 0 does nothing. Returns 0 on
    /// success (or for 0), else the errno (EPERM when <paramref name="priority"/> is above RLIMIT_RTPRIO and the
    /// process lacks CAP_SYS_NICE); the thread then keeps its normal policy.
    /// </summary>
    public static int TrySetFifo(int priority)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priority);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priority, 99);
        if (priority == 0)
        {
            return 0;
        }

        return Sys.SchedSetScheduler(0, Sys.SchedFifo, new Sys.SchedParam { Priority = priority }) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// The process's RLIMIT_RTPRIO soft limit: the highest SCHED_FIFO priority it may take without CAP_SYS_NICE
    /// (0: none; unlimited reads as 99, the highest priority there is); -1 if it cannot be read.
    /// </summary>
    public static int RtprioLimit()
    {
        if (Sys.GetRLimit(Sys.RlimitRtprio, out var limit) != 0)
        {
            return -1;
        }

        return limit.Current >= 99 ? 99 : (int)limit.Current;
    }

    /// <summary>True when the calling thread runs under SCHED_FIFO.</summary>
    public static bool IsFifo() => Sys.SchedGetScheduler(0) == Sys.SchedFifo;
}
