using System.Runtime.InteropServices;

namespace PortVeil.TestSupport;

/// <summary>
/// Sets the test process's RLIMIT_RTPRIO (setrlimit(2); a limit is per process, shared by all its threads), so a
/// test can show what a thread without CAP_SYS_NICE may do under systemd's LimitRTPRIO. Dispose restores the old
/// limit. Raising the hard limit needs CAP_SYS_RESOURCE.
/// </summary>
public sealed partial class RtprioLimit : IDisposable
{
    private const int RlimitRtprio = 14; // RLIMIT_RTPRIO (asm-generic/resource.h)

    private readonly Limit _previous;

    [StructLayout(LayoutKind.Sequential)]
    private struct Limit
    {
        public ulong Current;
        public ulong Maximum;
    }

    private RtprioLimit(Limit previous) => _previous = previous;

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out Limit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in Limit limit);

    /// <summary>
    /// Sets the soft RLIMIT_RTPRIO (what the kernel checks) to <paramref name="priority"/>, raising the hard limit
    /// to match when it is lower, as LimitRTPRIO= does. Null when raising it is not permitted here (EPERM: no
    /// CAP_SYS_RESOURCE in the bounding set, e.g. in a container); lowering always is.
    /// </summary>
    public static RtprioLimit? TrySet(int priority)
    {
        if (GetRLimit(RlimitRtprio, out var previous) != 0)
        {
            throw new InvalidOperationException($"getrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var wanted = new Limit { Current = (ulong)priority, Maximum = Math.Max(previous.Maximum, (ulong)priority) };
        if (SetRLimit(RlimitRtprio, wanted) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == 1 ? null : throw new InvalidOperationException($"setrlimit failed: errno {errno}");
        }

        return new RtprioLimit(previous);
    }

    public void Dispose() => Apply(_previous);

    private static void Apply(in Limit limit)
    {
        if (SetRLimit(RlimitRtprio, limit) != 0)
        {
            throw new InvalidOperationException($"setrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
