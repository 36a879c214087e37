using System.Buffers.Binary;
using PortVeil.Core;

namespace PortVeil.Sensors.Tests.Support;

/// <summary>Builds real wire-format packets byte by byte (checksums left 0: nothing here verifies them).</summary>
internal static class PacketBuilder
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static byte[] Tcp(ushort sport, ushort dport, TcpFlags flags, ushort window = 1024, uint seq = 0, uint ack = 0, byte[]? options = null, int payload = 0)
    {
        options ??= [];
        if (options.Length % 4 != 0)
        {
            throw new ArgumentException("TCP options must be padded to 4 bytes.", nameof(options));
        }

        var header = 20 + options.Length;
        var b = new byte[header + payload];
        BinaryPrimitives.WriteUInt16BigEndian(b, sport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), ack);
        b[12] = (byte)((header / 4) << 4);
        b[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(14), window);
        options.CopyTo(b, 20);
        return b;
    }

    public static byte[] Udp(ushort sport, ushort dport, int payload = 0)
    {
        var b = new byte[8 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(b, sport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), (ushort)b.Length);
        return b;
    }

    public static byte[] Icmp(byte type, byte code, ReadOnlySpan<byte> quoted = default)
    {
        var b = new byte[8 + quoted.Length];
        b[0] = type;
        b[1] = code;
        quoted.CopyTo(b.AsSpan(8));
        return b;
    }

    public static byte[] IPv4(string src, string dst, IpProtocol protocol, ReadOnlySpan<byte> payload, byte ttl = 64, ushort id = 1, int optionBytes = 0, ushort fragmentField = 0x4000)
    {
        var header = 20 + optionBytes;
        var b = new byte[header + payload.Length];
        b[0] = (byte)(0x40 | (header / 4));
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)b.Length);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(6), fragmentField);
        b[8] = ttl;
        b[9] = (byte)protocol;
        NetAddress.Parse(src).WriteBytes(b.AsSpan(12));
        NetAddress.Parse(dst).WriteBytes(b.AsSpan(16));
        for (var i = 20; i < header; i++)
        {
            b[i] = 1; // NOP options
        }

        payload.CopyTo(b.AsSpan(header));
        return b;
    }

    /// <summary>An IPv6 packet; <paramref name="extensions"/> is the raw chain (each header's next-header byte already set).</summary>
    public static byte[] IPv6(string src, string dst, byte nextHeader, ReadOnlySpan<byte> extensions, ReadOnlySpan<byte> payload, byte hopLimit = 64)
    {
        var b = new byte[40 + extensions.Length + payload.Length];
        b[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), (ushort)(extensions.Length + payload.Length));
        b[6] = nextHeader;
        b[7] = hopLimit;
        NetAddress.Parse(src).WriteBytes(b.AsSpan(8));
        NetAddress.Parse(dst).WriteBytes(b.AsSpan(24));
        extensions.CopyTo(b.AsSpan(40));
        payload.CopyTo(b.AsSpan(40 + extensions.Length));
        return b;
    }

    public static byte[] Ethernet(ushort etherType, ReadOnlySpan<byte> payload, params ushort[] vlanTags)
    {
        var b = new byte[14 + (4 * vlanTags.Length) + payload.Length];
        for (var i = 0; i < 12; i++)
        {
            b[i] = (byte)(i + 2);
        }

        var o = 12;
        foreach (var tpid in vlanTags)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(o), tpid);
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(o + 2), 100); // VLAN id 100
            o += 4;
        }

        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(o), etherType);
        payload.CopyTo(b.AsSpan(o + 2));
        return b;
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var b = new byte[parts.Sum(p => p.Length)];
        var o = 0;
        foreach (var p in parts)
        {
            p.CopyTo(b, o);
            o += p.Length;
        }

        return b;
    }
}
