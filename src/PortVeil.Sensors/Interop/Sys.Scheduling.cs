using System.Runtime.InteropServices;

namespace PortVeil.Sensors.Interop;

/// <summary>
/// sched_setscheduler(2) / sched_getscheduler(2) for the calling thread (pid 0 means the caller's thread),
/// getrlimit(2) of RLIMIT_RTPRIO (the ceiling without CAP_SYS_NICE), and clock_gettime(2) of CLOCK_THREAD_CPUTIME_ID
/// for how busy it is.
/// </summary>
internal static partial class Sys
{
    public const int SchedOther = 0;
    public const int SchedFifo = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int SchedSetScheduler(int pid, int policy, in SchedParam param);

    [LibraryImport("libc", EntryPoint = "sched_getscheduler", SetLastError = true)]
    public static partial int SchedGetScheduler(int pid);

    public const int RlimitRtprio = 14; // RLIMIT_RTPRIO (asm-generic/resource.h; x86_64 and arm64 alike)

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRLimit(int resource, out RLimit limit);

    public const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clock, out TimeSpec time);
}
