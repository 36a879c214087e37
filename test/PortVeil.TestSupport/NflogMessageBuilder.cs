using System.Buffers.Binary;
using System.Net;

namespace PortVeil.TestSupport;

/// <summary>
/// Builds NFLOG netlink datagrams byte by byte, as nfnetlink_log.c lays them out, so parser tests can feed exact
/// good and bad input: headers in host (little-endian) order, attribute values in network order.
/// </summary>
public static class NflogMessageBuilder
{
    public const ushort PacketType = (4 << 8) | 0;
    public const ushort ErrorType = 2;
    public const ushort DoneType = 3;

    public const ushort AttrPacketHeader = 1;
    public const ushort AttrTimestamp = 3;
    public const ushort AttrInDev = 4;
    public const ushort AttrOutDev = 5;
    public const ushort AttrPayload = 9;
    public const ushort AttrPrefix = 10;

    /// <summary>A netlink message: 16-byte header (length filled in), then <paramref name="body"/>, padded to 4.</summary>
    public static byte[] Message(ushort type, byte[] body, ushort flags = 0, uint sequence = 0)
    {
        var length = 16 + body.Length;
        var bytes = new byte[Align(length)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), sequence);
        body.CopyTo(bytes, 16);
        return bytes;
    }

    /// <summary>An NFULNL_MSG_PACKET message: nfgenmsg (family, version 0, group) and the attributes.</summary>
    public static byte[] Packet(ushort group, byte family, params byte[][] attributes)
    {
        var generic = new byte[4];
        generic[0] = family;
        BinaryPrimitives.WriteUInt16BigEndian(generic.AsSpan(2), group);
        return Message(PacketType, Concat([generic, .. attributes]));
    }

    /// <summary>One attribute: length (header + value), type, value, zero padding to 4.</summary>
    public static byte[] Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var bytes = new byte[Align(4 + value.Length)];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), type);
        value.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    public static byte[] PacketHeader(ushort hwProtocol)
    {
        var v = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(v, hwProtocol);
        v[2] = 0; // NF_INET_PRE_ROUTING
        return Attribute(AttrPacketHeader, v);
    }

    public static byte[] Timestamp(long seconds, long microseconds)
    {
        var v = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(v, seconds);
        BinaryPrimitives.WriteInt64BigEndian(v.AsSpan(8), microseconds);
        return Attribute(AttrTimestamp, v);
    }

    public static byte[] InDev(uint ifindex) => Attribute(AttrInDev, BigEndian(ifindex));

    public static byte[] OutDev(uint ifindex) => Attribute(AttrOutDev, BigEndian(ifindex));

    /// <summary>NFULA_PREFIX as the kernel sends it: the text and a NUL.</summary>
    public static byte[] Prefix(string text) => Attribute(AttrPrefix, [.. System.Text.Encoding.ASCII.GetBytes(text), 0]);

    public static byte[] Payload(byte[] ipPacket) => Attribute(AttrPayload, ipPacket);

    /// <summary>NLMSG_ERROR: a negative errno (0 is the ACK) and the 16-byte header of the request it answers.</summary>
    public static byte[] Error(int negativeErrno, uint sequence = 0)
    {
        var body = new byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(body, negativeErrno);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), 16);
        return Message(ErrorType, body, 0, sequence);
    }

    public static byte[] Done() => Message(DoneType, new byte[4], 2);

    public static byte[] Concat(params byte[][] parts)
    {
        var total = 0;
        foreach (var p in parts)
        {
            total += p.Length;
        }

        var bytes = new byte[total];
        var offset = 0;
        foreach (var p in parts)
        {
            p.CopyTo(bytes, offset);
            offset += p.Length;
        }

        return bytes;
    }

    /// <summary>
    /// A TCP SYN as nmap -sS sends it: 44 bytes over IPv4 (20 IP + 24 TCP), the only option MSS 1460.
    /// </summary>
    public static byte[] Ipv4Syn(string source, string destination, ushort sourcePort, ushort destinationPort,
        ushort window = 1024, byte ttl = 48, ushort ipId = 0x1234, uint sequence = 0xA1B2C3D4)
    {
        var ip = new byte[44];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), 44);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), ipId);
        ip[8] = ttl;
        ip[9] = 6;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(ip, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(ip, 16);
        WriteSyn(ip.AsSpan(20), sourcePort, destinationPort, window, sequence);
        return ip;
    }

    /// <summary>The same SYN over IPv6: 40-byte header, hop limit <paramref name="hopLimit"/>.</summary>
    public static byte[] Ipv6Syn(string source, string destination, ushort sourcePort, ushort destinationPort,
        ushort window = 1024, byte hopLimit = 48, uint sequence = 0xA1B2C3D4)
    {
        var ip = new byte[64];
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), 24);
        ip[6] = 6;
        ip[7] = hopLimit;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(ip, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(ip, 24);
        WriteSyn(ip.AsSpan(40), sourcePort, destinationPort, window, sequence);
        return ip;
    }

    private static void WriteSyn(Span<byte> tcp, ushort sourcePort, ushort destinationPort, ushort window, uint sequence)
    {
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        tcp[12] = 6 << 4; // data offset: 24 bytes
        tcp[13] = 0x02; // SYN
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], window);
        tcp[20] = 2; // MSS
        tcp[21] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[22..], 1460);
    }

    private static byte[] BigEndian(uint value)
    {
        var v = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v, value);
        return v;
    }

    private static int Align(int length) => (length + 3) & ~3;
}
