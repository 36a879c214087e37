namespace PortVeil.Sensors;

/// <summary>What <see cref="RealtimeGovernor"/> does to its thread at the end of a window.</summary>
public enum RealtimeStep
{
    /// <summary>Keep the current policy.</summary>
    Stay = 0,

    /// <summary>Saturated: back to normal scheduling (SCHED_OTHER), so a flood cannot starve the host.</summary>
    Demote = 1,

    /// <summary>Quiet again: back under SCHED_FIFO.</summary>
    Promote = 2,

    /// <summary>The kernel refused SCHED_FIFO (EPERM: priority above RLIMIT_RTPRIO, no CAP_SYS_NICE): the thread runs normally for good.</summary>
    Refused = 3,
}
