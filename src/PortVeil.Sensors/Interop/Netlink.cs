using System.Runtime.InteropServices;

namespace PortVeil.Sensors.Interop;

/// <summary>
/// Netlink framing (include/uapi/linux/netlink.h): every message is a 16-byte <see cref="MessageHeader"/>
/// followed by a payload, padded to 4 bytes; a payload's attributes are <see cref="Attribute"/> headers (length
/// and type, 4 bytes) followed by their value, also padded to 4. All header fields are host byte order.
/// </summary>
internal static class Netlink
{
    public const int NetlinkNetfilter = 12;

    public const int Alignment = 4;

    public const int HeaderLength = 16;

    public const int AttributeHeaderLength = 4;

    /// <summary>NLMSG_NOOP, NLMSG_ERROR (also the ACK, with error 0), NLMSG_DONE (ends a multi-part batch).</summary>
    public const ushort MessageNoop = 1;
    public const ushort MessageError = 2;
    public const ushort MessageDone = 3;
    public const ushort MessageOverrun = 4;

    public const ushort FlagRequest = 0x1;
    public const ushort FlagMulti = 0x2;
    public const ushort FlagAck = 0x4;

    /// <summary>NLA_F_NESTED and NLA_F_NET_BYTEORDER share the top two bits of nla_type.</summary>
    public const ushort AttributeTypeMask = 0x3FFF;

    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);

    /// <summary>struct nlmsghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public uint Length;
        public ushort Type;
        public ushort Flags;
        public uint Sequence;
        public uint PortId;
    }

    /// <summary>struct nlattr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Attribute
    {
        public ushort Length;
        public ushort Type;
    }

    /// <summary>struct sockaddr_nl (12 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SocketAddress
    {
        public ushort Family;
        public ushort Padding;
        public uint PortId;
        public uint Groups;
    }
}
