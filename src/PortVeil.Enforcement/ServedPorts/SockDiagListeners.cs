using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PortVeil.Core;
using PortVeil.Enforcement.Interop;

namespace PortVeil.Enforcement.ServedPorts;

/// <summary>
/// Listening sockets through sock_diag (NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY dumps with inet_diag_req_v2): one
/// request per family and protocol, answered by the kernel from its socket tables, cheaper than formatting and
/// parsing /proc text. The netlink socket belongs to the namespace of the thread that opens it.
/// <code>
/// request:  nlmsghdr(16) | family u8, protocol u8, ext u8, pad u8, states u32, sockid(48)       = 72 bytes
/// answer:   nlmsghdr(16) | family u8, state u8, timer u8, retrans u8,
///           sockid: sport be16, dport be16, src[16], dst[16], if u32, cookie u64 | expires, rq, wq, uid, inode
/// </code>
/// TCP sockets in LISTEN (10) and UDP sockets in CLOSE (7, unconnected) are served unless bound to loopback.
/// </summary>
public sealed class SockDiagListeners : IDisposable
{
    private const ushort SockDiagByFamily = 20;
    private const byte AfInet = 2;
    private const byte AfInet6 = 10;
    private const int TcpListen = 10;
    private const int UdpUnconnected = 7;

    private readonly int _fd;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private uint _sequence;

    private SockDiagListeners(int fd) => _fd = fd;

    /// <summary>Opens the socket, or null when sock_diag is unavailable (then /proc is read instead).</summary>
    public static SockDiagListeners? TryOpen()
    {
        var fd = Netlink.Socket(Netlink.AfNetlink, Netlink.SockRaw | Netlink.SockCloexec, Netlink.NetlinkSockDiag);
        if (fd < 0)
        {
            return null;
        }

        var timeout = new Netlink.Timeval { Seconds = 1 };
        Netlink.SetSockOpt(fd, Netlink.SolSocket, Netlink.SoRcvtimeo, timeout, Marshal.SizeOf<Netlink.Timeval>());
        return new SockDiagListeners(fd);
    }

    /// <summary>Adds every served port to <paramref name="into"/>; false when a dump failed (the caller falls back).</summary>
    public bool TryRead(ISet<ServedPort> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (var family in (ReadOnlySpan<byte>)[AfInet, AfInet6])
        {
            if (!Dump(family, IpProtocol.Tcp, TcpListen, into) || !Dump(family, IpProtocol.Udp, UdpUnconnected, into))
            {
                return false;
            }
        }

        return true;
    }

    private unsafe bool Dump(byte family, IpProtocol protocol, int state, ISet<ServedPort> into)
    {
        Span<byte> request = stackalloc byte[72];
        request.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(request, 72);
        BinaryPrimitives.WriteUInt16LittleEndian(request[4..], SockDiagByFamily);
        BinaryPrimitives.WriteUInt16LittleEndian(request[6..], Netlink.NlmFRequest | Netlink.NlmFDump);
        var sequence = ++_sequence;
        BinaryPrimitives.WriteUInt32LittleEndian(request[8..], sequence);
        request[16] = family;
        request[17] = (byte)protocol;
        BinaryPrimitives.WriteUInt32LittleEndian(request[20..], 1u << state);
        fixed (byte* p = request)
        {
            if (Netlink.Send(_fd, p, request.Length, 0) != request.Length)
            {
                return false;
            }
        }

        while (true)
        {
            nint n;
            fixed (byte* p = _buffer)
            {
                n = Netlink.Recv(_fd, p, _buffer.Length, 0);
            }

            if (n <= 0)
            {
                return false;
            }

            var span = _buffer.AsSpan(0, (int)n);
            while (span.Length >= 16)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
                if (length < 16 || length > span.Length)
                {
                    return false;
                }

                if (BinaryPrimitives.ReadUInt32LittleEndian(span[8..]) == sequence)
                {
                    if (type == Netlink.NlmsgDone)
                    {
                        return true;
                    }

                    if (type == Netlink.NlmsgError)
                    {
                        return false;
                    }

                    if (type == SockDiagByFamily && length >= 16 + 72)
                    {
                        ReadMessage(span[16..length], state, protocol, into);
                    }
                }

                span = span[Math.Min(span.Length, (length + 3) & ~3)..];
            }
        }
    }

    private static void ReadMessage(ReadOnlySpan<byte> msg, int wantedState, IpProtocol protocol, ISet<ServedPort> into)
    {
        if (msg[1] != wantedState || BinaryPrimitives.ReadUInt16BigEndian(msg[6..]) != 0)
        {
            return;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(msg[4..]);
        var address = msg[0] == AfInet ? NetAddress.FromBytes(msg.Slice(8, 4)) : NetAddress.FromBytes(msg.Slice(8, 16));
        if (address.IsIPv4 ? address.V4 >> 24 == 127 : address.High == 0 && address.Low == 1)
        {
            return; // bound to loopback: not reachable from outside
        }

        into.Add(new ServedPort(protocol, port));
    }

    public void Dispose() => Netlink.Close(_fd);
}
