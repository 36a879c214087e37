using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using PortVeil.Sensors.Interop;

namespace PortVeil.Sensors.Nflog;

/// <summary>
/// A raw AF_NETLINK / NETLINK_NETFILTER socket bound to NFLOG groups, configured the way libnetfilter_log does it
/// (nflog_bind_pf, nflog_bind_group, nflog_set_mode, nflog_set_nlbufsiz, nflog_set_qthresh, nflog_set_timeout),
/// with every config request acknowledged by the kernel. The socket belongs to the network namespace of the
/// thread that opens it.
/// </summary>
internal sealed unsafe class NflogSocket : IDisposable
{
    /// <summary>MSG_TRUNC: recv(2) on netlink returns the datagram's real length even when the buffer is smaller.</summary>
    public const int MessageTruncate = 0x20;

    // A poll interval, not a latency: recv(2) wakes this often to see whether the source is being disposed.
    private const int ReceiveTimeoutMs = 100;

    // Config acks arrive within microseconds; 20 polls of 100 ms bound a kernel that never answers.
    private const int AckPolls = 20;

    private int _fd;
    private uint _sequence;

    private NflogSocket(int fd)
    {
        _fd = fd;
    }

    public int Handle => _fd;

    /// <summary>The netlink port id the kernel gave this socket (tests send crafted messages to it).</summary>
    public uint PortId
    {
        get
        {
            var address = default(Netlink.SocketAddress);
            var length = sizeof(Netlink.SocketAddress);
            return Sys.GetSockName(_fd, &address, &length) == 0 ? address.PortId : 0;
        }
    }

    /// <summary>The receive buffer the kernel granted (SO_RCVBUF reads back twice the requested size).</summary>
    public int ReceiveBufferSize => Sys.GetIntOption(_fd, Sys.SolSocket, Sys.SoRcvbuf);

    public static NflogSocket Open(NflogOptions options)
    {
        var fd = Sys.Socket(Sys.AfNetlink, Sys.SockRaw | Sys.SockCloexec, Netlink.NetlinkNetfilter);
        if (fd < 0)
        {
            throw Error("socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER)", Marshal.GetLastPInvokeError());
        }

        var socket = new NflogSocket(fd);
        try
        {
            socket.Setup(options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    private void Setup(NflogOptions options)
    {
        var address = new Netlink.SocketAddress { Family = Sys.AfNetlink };
        if (Sys.Bind(_fd, &address, sizeof(Netlink.SocketAddress)) != 0)
        {
            throw Error("bind(AF_NETLINK)", Marshal.GetLastPInvokeError());
        }

        // SO_RCVBUFFORCE passes net.core.rmem_max (needs CAP_NET_ADMIN, which binding NFLOG needs anyway);
        // without it, SO_RCVBUF still gets up to rmem_max.
        if (Sys.SetIntOption(_fd, Sys.SolSocket, Sys.SoRcvbufforce, options.ReceiveBufferSize) != 0)
        {
            var errno = Sys.SetIntOption(_fd, Sys.SolSocket, Sys.SoRcvbuf, options.ReceiveBufferSize);
            if (errno != 0)
            {
                throw Error("setsockopt(SO_RCVBUF)", errno);
            }
        }

        var timeout = new Sys.TimeVal { Seconds = 0, Microseconds = ReceiveTimeoutMs * 1000 };
        if (Sys.SetSockOpt(_fd, Sys.SolSocket, Sys.SoRcvtimeo, &timeout, sizeof(Sys.TimeVal)) != 0)
        {
            throw Error("setsockopt(SO_RCVTIMEO)", Marshal.GetLastPInvokeError());
        }

        // Kernels before 3.17 needed the per-family NFLOG backend (re)bound; newer ones ignore both commands.
        // Their answers are not checked, as libnetfilter_log's users don't either.
        foreach (var family in (ReadOnlySpan<byte>)[Sys.AfInet, Sys.AfInet6])
        {
            SendCommand(family, 0, NfnetlinkLog.CommandPfUnbind, out _);
            SendCommand(family, 0, NfnetlinkLog.CommandPfBind, out _);
        }

        foreach (var group in options.Groups)
        {
            if (!SendCommand(Sys.AfUnspec, group, NfnetlinkLog.CommandBind, out var errno))
            {
                // EPERM: another socket in this network namespace (ulogd, a second daemon) already owns the group.
                throw Error("binding NFLOG group " + group.ToString(CultureInfo.InvariantCulture), errno);
            }

            if (!SendMode(group, options, out errno))
            {
                throw Error("configuring NFLOG group " + group.ToString(CultureInfo.InvariantCulture), errno);
            }
        }
    }

    /// <summary>NFULNL_MSG_CONFIG with one NFULA_CFG_CMD; true when the kernel acknowledged it.</summary>
    private bool SendCommand(int family, ushort group, byte command, out int errno)
    {
        Span<byte> message = stackalloc byte[32];
        var length = BeginConfig(message, family, group);
        length = PutAttribute(message, length, NfnetlinkLog.AttrConfigCommand, [command]);
        return Transact(message[..length], out errno);
    }

    /// <summary>NFULNL_MSG_CONFIG with copy mode and range, nlbufsiz, qthresh and flush timeout for one group.</summary>
    private bool SendMode(ushort group, NflogOptions options, out int errno)
    {
        Span<byte> message = stackalloc byte[64];
        var length = BeginConfig(message, Sys.AfUnspec, group);

        Span<byte> mode = stackalloc byte[NfnetlinkLog.ConfigModeLength];
        BinaryPrimitives.WriteUInt32BigEndian(mode, (uint)options.CopyRange);
        mode[4] = NfnetlinkLog.CopyPacket;
        mode[5] = 0;
        length = PutAttribute(message, length, NfnetlinkLog.AttrConfigMode, mode);

        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, (uint)options.KernelBufferSize);
        length = PutAttribute(message, length, NfnetlinkLog.AttrConfigBufferSize, value);
        BinaryPrimitives.WriteUInt32BigEndian(value, (uint)options.QueueThreshold);
        length = PutAttribute(message, length, NfnetlinkLog.AttrConfigQueueThreshold, value);
        BinaryPrimitives.WriteUInt32BigEndian(value, (uint)options.FlushTimeoutCentiseconds);
        length = PutAttribute(message, length, NfnetlinkLog.AttrConfigTimeout, value);
        return Transact(message[..length], out errno);
    }

    private int BeginConfig(Span<byte> message, int family, ushort group)
    {
        message.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(message[4..], Nfnetlink.MessageType(Nfnetlink.SubsystemUlog, NfnetlinkLog.MessageConfig));
        BinaryPrimitives.WriteUInt16LittleEndian(message[6..], Netlink.FlagRequest | Netlink.FlagAck);
        BinaryPrimitives.WriteUInt32LittleEndian(message[8..], ++_sequence);
        message[Netlink.HeaderLength] = (byte)family;
        message[Netlink.HeaderLength + 1] = Nfnetlink.Version0;
        BinaryPrimitives.WriteUInt16BigEndian(message[(Netlink.HeaderLength + 2)..], group);
        return Netlink.HeaderLength + Nfnetlink.GenericMessageLength;
    }

    private static int PutAttribute(Span<byte> message, int offset, ushort type, ReadOnlySpan<byte> value)
    {
        var attributeLength = Netlink.AttributeHeaderLength + value.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(message[offset..], (ushort)attributeLength);
        BinaryPrimitives.WriteUInt16LittleEndian(message[(offset + 2)..], type);
        value.CopyTo(message[(offset + Netlink.AttributeHeaderLength)..]);
        return offset + Netlink.Align(attributeLength);
    }

    /// <summary>Sends one request and waits for its NLMSG_ERROR (error 0 is the ACK); other messages are skipped.</summary>
    private bool Transact(Span<byte> message, out int errno)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        var sequence = _sequence;
        fixed (byte* p = message)
        {
            if (Sys.Send(_fd, p, (nuint)message.Length, 0) < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return false;
            }
        }

        // Packets of an already bound group may arrive before the ACK; they are dropped here, before the
        // reader thread exists. 8 KiB holds any ACK (16 + 4 + the 16-byte echoed request header).
        var buffer = stackalloc byte[8192];
        for (var poll = 0; poll < AckPolls;)
        {
            var n = Sys.Recv(_fd, buffer, 8192, 0);
            if (n < 0)
            {
                var e = Marshal.GetLastPInvokeError();
                if (e == Sys.EAgain)
                {
                    poll++;
                }
                else if (e != Sys.EIntr && e != Sys.ENoBufs)
                {
                    errno = e;
                    return false;
                }

                continue;
            }

            var datagram = new ReadOnlySpan<byte>(buffer, (int)n);
            for (var offset = 0; datagram.Length - offset >= Netlink.HeaderLength;)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram[offset..]);
                if (length < Netlink.HeaderLength || length > datagram.Length - offset)
                {
                    break;
                }

                var type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[(offset + 4)..]);
                var seq = BinaryPrimitives.ReadUInt32LittleEndian(datagram[(offset + 8)..]);
                if (type == Netlink.MessageError && seq == sequence && length >= Netlink.HeaderLength + 4)
                {
                    errno = -BinaryPrimitives.ReadInt32LittleEndian(datagram[(offset + Netlink.HeaderLength)..]);
                    return errno == 0;
                }

                offset += Netlink.Align(length);
            }
        }

        errno = Sys.EAgain;
        return false;
    }

    /// <summary>recv(2) into <paramref name="buffer"/>; returns the datagram's full length (MSG_TRUNC) or -1 with errno.</summary>
    public int Receive(byte* buffer, int length, out int errno)
    {
        var n = Sys.Recv(_fd, buffer, (nuint)length, MessageTruncate);
        if (n < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return -1;
        }

        errno = 0;
        return (int)n;
    }

    private static IOException Error(string what, int errno) =>
        new($"{what} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno.ToString(CultureInfo.InvariantCulture)})");

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Sys.Close(fd);
        }
    }
}
