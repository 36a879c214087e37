using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PortVeil.TestSupport.Lab;

/// <summary>
/// Writes a TCP SYN with any (forged) source, IPv4 or IPv6, for <see cref="SpoofedSynSender"/>. Both addresses
/// must be documentation or loopback addresses (<see cref="DocumentationRanges"/>).
/// </summary>
/// <remarks>
/// With <c>clientOptions</c> the TCP options are what a Linux client sends minus timestamps (MSS 1460, SACK-permitted,
/// window scale 7: 12 bytes), so first-contact gating and the raw-SYN fingerprint see a "real" stack; without, a
/// lone MSS (nmap -sS, masscan). The IPv4 header checksum is filled in (the kernel rewrites it for IPPROTO_RAW,
/// ip(7)); the TCP checksum covers the pseudo-header of either family (RFC 793, RFC 8200 section 8.1).
/// </remarks>
public static class SpoofedSyn
{
    /// <summary>Largest packet <see cref="Write"/> produces: IPv6 header (40) + TCP with 12 option bytes (32).</summary>
    public const int MaxLength = 40 + 32;

    public static int Write(Span<byte> destination, IPAddress source, IPAddress target, ushort sourcePort, ushort targetPort, uint sequence, bool clientOptions)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (source.AddressFamily != target.AddressFamily)
        {
            throw new ArgumentException($"{source} → {target}: mixed families");
        }

        if (!DocumentationRanges.IsAllowed(source) || !DocumentationRanges.IsAllowed(target))
        {
            throw new ArgumentException($"{source} → {target}: tests send only between documentation addresses");
        }

        var v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        var ipLength = v6 ? 40 : 20;
        var tcpLength = clientOptions ? 32 : 24;
        var length = ipLength + tcpLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length);
        var packet = destination[..length];
        packet.Clear();
        var ip = packet[..ipLength];
        var tcp = packet[ipLength..];

        uint pseudo;
        if (v6)
        {
            ip[0] = 0x60;                                            // version 6, traffic class 0, flow label 0
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)tcpLength);
            ip[6] = (byte)ProtocolType.Tcp;                          // next header
            ip[7] = 64;                                              // hop limit
            source.TryWriteBytes(ip[8..24], out _);
            target.TryWriteBytes(ip[24..40], out _);
            pseudo = SumWords(ip[8..40]) + (uint)tcpLength + (uint)ProtocolType.Tcp;
        }
        else
        {
            ip[0] = 0x45;                                            // version 4, IHL 5 words
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)length);
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)sequence);
            ip[8] = 64;                                              // TTL
            ip[9] = (byte)ProtocolType.Tcp;
            source.TryWriteBytes(ip[12..16], out _);
            target.TryWriteBytes(ip[16..20], out _);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Fold(SumWords(ip)));
            pseudo = SumWords(ip[12..20]) + (uint)tcpLength + (uint)ProtocolType.Tcp;
        }

        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], targetPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        tcp[12] = (byte)((tcpLength / 4) << 4);                      // data offset
        tcp[13] = 0x02;                                              // SYN
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], clientOptions ? (ushort)64240 : (ushort)1024);
        tcp[20] = 2;                                                 // MSS 1460
        tcp[21] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[22..], 1460);
        if (clientOptions)
        {
            tcp[24] = 4;                                             // SACK-permitted
            tcp[25] = 2;
            tcp[26] = 1;                                             // NOP
            tcp[27] = 3;                                             // window scale 7
            tcp[28] = 3;
            tcp[29] = 7;
            tcp[30] = 1;                                             // NOP, NOP: pad to 32 bits
            tcp[31] = 1;
        }

        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Fold(pseudo + SumWords(tcp)));
        return length;
    }

    /// <summary>The Internet checksum (RFC 1071) of a region holding a correct checksum is 0; used by tests.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, uint initial = 0) => Fold(initial + SumWords(data));

    private static uint SumWords(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        return sum;
    }

    private static ushort Fold(uint sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
