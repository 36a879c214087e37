using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PortVeil.Enforcement.Interop;

namespace PortVeil.Enforcement.Nftables;

/// <summary>
/// A netlink socket subscribed to NFNLGRP_NFTABLES (7): the kernel multicasts every ruleset change. Only deletions
/// (tables, chains, rules, sets) matter to the watchdog. Lives in the namespace of the thread that creates it.
/// </summary>
internal sealed class NftEventMonitor : IDisposable
{
    private const int NfnlgrpNftables = 7;
    private const int NfnlSubsysNftables = 10;
    private const int NftMsgDelTable = 2;
    private const int NftMsgDelChain = 5;
    private const int NftMsgDelRule = 8;
    private const int NftMsgDelSet = 11;

    private readonly int _fd;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private NftEventMonitor(int fd) => _fd = fd;

    /// <summary>Opens the socket, or returns null (no permission, old kernel): the watchdog then only polls.</summary>
    public static NftEventMonitor? TryOpen(TimeSpan receiveTimeout)
    {
        var fd = Netlink.Socket(Netlink.AfNetlink, Netlink.SockRaw | Netlink.SockCloexec, Netlink.NetlinkNetfilter);
        if (fd < 0)
        {
            return null;
        }

        var address = new Netlink.SockaddrNl { Family = Netlink.AfNetlink };
        var group = NfnlgrpNftables;
        var timeout = new Netlink.Timeval
        {
            Seconds = (long)receiveTimeout.TotalSeconds,
            Microseconds = receiveTimeout.Milliseconds * 1000L + receiveTimeout.Microseconds,
        };
        var rcvbuf = 1 << 20;
        if (Netlink.Bind(fd, address, Marshal.SizeOf<Netlink.SockaddrNl>()) != 0
            || Netlink.SetSockOpt(fd, Netlink.SolNetlink, Netlink.NetlinkAddMembership, group, sizeof(int)) != 0
            || Netlink.SetSockOpt(fd, Netlink.SolSocket, Netlink.SoRcvtimeo, timeout, Marshal.SizeOf<Netlink.Timeval>()) != 0)
        {
            Netlink.Close(fd);
            return null;
        }

        Netlink.SetSockOpt(fd, Netlink.SolSocket, Netlink.SoRcvbuf, rcvbuf, sizeof(int));
        return new NftEventMonitor(fd);
    }

    /// <summary>
    /// Waits up to the receive timeout; true when a deletion was seen or events were lost (ENOBUFS), so the
    /// table must be checked.
    /// </summary>
    public unsafe bool WaitForDeletion()
    {
        nint n;
        fixed (byte* p = _buffer)
        {
            n = Netlink.Recv(_fd, p, _buffer.Length, 0);
        }

        if (n < 0)
        {
            // ENOBUFS: the kernel dropped events (a 10k-element ban batch makes 10k of them); assume the worst.
            return Marshal.GetLastPInvokeError() == Netlink.Enobufs;
        }

        var span = _buffer.AsSpan(0, (int)n);
        while (span.Length >= 16)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
            if (type >> 8 == NfnlSubsysNftables && (type & 0xFF) is NftMsgDelTable or NftMsgDelChain or NftMsgDelRule or NftMsgDelSet)
            {
                return true;
            }

            var aligned = (length + 3) & ~3;
            if (length < 16 || aligned > span.Length)
            {
                break;
            }

            span = span[aligned..];
        }

        return false;
    }

    public void Dispose() => Netlink.Close(_fd);
}
