using System.Runtime.InteropServices;

namespace PortVeil.Sensors.Interop;

/// <summary>
/// The BSD socket calls on raw file descriptors (socket(2), bind(2), setsockopt(2), recv(2), send(2), sendto(2), close(2)).
/// .NET's <see cref="System.Net.Sockets.Socket"/> has no AF_NETLINK, so netlink code talks to libc directly.
/// </summary>
/// <remarks>Every call sets errno; read it with <see cref="Marshal.GetLastPInvokeError"/> right after a -1.</remarks>
internal static partial class Sys
{
    public const int AfUnspec = 0;
    public const int AfInet = 2;
    public const int AfInet6 = 10;
    public const int AfNetlink = 16;

    public const int SockRaw = 3;

    /// <summary>SOCK_CLOEXEC: a child process (nmap, nft started by a test) must not inherit the socket.</summary>
    public const int SockCloexec = 0x80000;

    public const int SolSocket = 1;
    public const int SoRcvbuf = 8;
    public const int SoRcvtimeo = 20;

    /// <summary>SO_RCVBUFFORCE: like SO_RCVBUF but past net.core.rmem_max; needs CAP_NET_ADMIN.</summary>
    public const int SoRcvbufforce = 33;

    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int ENoBufs = 105;

    /// <summary>struct timeval on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static unsafe partial int Bind(int fd, void* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static unsafe partial int GetSockName(int fd, void* address, int* addressLength);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static unsafe partial int SetSockOpt(int fd, int level, int name, void* value, int valueLength);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static unsafe partial int GetSockOpt(int fd, int level, int name, void* value, int* valueLength);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static unsafe partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static unsafe partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static unsafe partial nint SendTo(int fd, byte* buffer, nuint length, int flags, void* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Sets an int-valued socket option; returns errno, 0 on success.</summary>
    public static unsafe int SetIntOption(int fd, int level, int name, int value) =>
        SetSockOpt(fd, level, name, &value, sizeof(int)) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Reads an int-valued socket option, or -1 when the call fails.</summary>
    public static unsafe int GetIntOption(int fd, int level, int name)
    {
        int value = 0;
        int length = sizeof(int);
        return GetSockOpt(fd, level, name, &value, &length) == 0 ? value : -1;
    }
}
