using System.Runtime.InteropServices;

namespace PortVeil.TestSupport;

/// <summary>
/// Drops a capability from the calling thread only (capset(2) with pid 0 acts on the calling thread; the rest of
/// the test process keeps it), so a test can run code "without CAP_SYS_NICE" as root, for real.
/// </summary>
public static partial class ThreadCapabilities
{
    /// <summary>CAP_SYS_NICE (include/uapi/linux/capability.h).</summary>
    public const int SysNice = 23;

    private const uint Version3 = 0x20080522; // _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set

    [StructLayout(LayoutKind.Sequential)]
    private struct Header
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Data
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    [LibraryImport("libc", EntryPoint = "capget", SetLastError = true)]
    private static unsafe partial int CapGet(Header* header, Data* data);

    [LibraryImport("libc", EntryPoint = "capset", SetLastError = true)]
    private static unsafe partial int CapSet(Header* header, Data* data);

    /// <summary>Removes <paramref name="capability"/> from the calling thread's effective and permitted sets, for good.</summary>
    public static unsafe void DropFromCallingThread(int capability)
    {
        var header = new Header { Version = Version3, Pid = 0 };
        var data = stackalloc Data[2];
        if (CapGet(&header, data) != 0)
        {
            throw new InvalidOperationException($"capget failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var word = capability / 32;
        var bit = ~(1u << (capability % 32));
        data[word].Effective &= bit;
        data[word].Permitted &= bit;
        data[word].Inheritable &= bit;
        if (CapSet(&header, data) != 0)
        {
            throw new InvalidOperationException($"capset failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
