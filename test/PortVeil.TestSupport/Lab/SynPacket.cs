using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PortVeil.TestSupport.Lab;

/// <summary>
/// Crafts the IPv4 TCP SYN a raw scanner sends (nmap -sS style: window 1024, a lone MSS option, 44 bytes), for
/// <see cref="RawSynSender"/>. Both addresses must be in the documentation ranges.
/// </summary>
/// <remarks>
/// Layout written: IPv4 header (20 bytes, no options, DF clear, TTL 64) then TCP header (24 bytes: 20 + MSS 1460).
/// The IPv4 header checksum is filled in here although the kernel rewrites it for IPPROTO_RAW sockets (ip(7)),
/// so the bytes are a valid packet on their own; the TCP checksum (pseudo-header included) is ours alone.
/// </remarks>
public static class SynPacket
{
    /// <summary>Bytes of every packet <see cref="Write"/> produces.</summary>
    public const int Length = Ipv4HeaderLength + TcpHeaderLength;

    /// <summary>nmap's raw SYN window (one of 1024/2048/3072/4096).</summary>
    public const ushort Window = 1024;

    private const int Ipv4HeaderLength = 20;
    private const int TcpHeaderLength = 24;

    /// <summary>Writes one SYN into <paramref name="destination"/> (at least <see cref="Length"/> bytes); returns its length.</summary>
    public static int Write(Span<byte> destination, IPAddress source, IPAddress target, ushort sourcePort, ushort targetPort, uint sequence, ushort ipId)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (source.AddressFamily != AddressFamily.InterNetwork || target.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("only IPv4 SYNs are crafted here");
        }

        if (!DocumentationRanges.IsAllowed(source) || !DocumentationRanges.IsAllowed(target))
        {
            throw new ArgumentException($"{source} → {target}: tests send only between documentation addresses");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length);
        var packet = destination[..Length];
        packet.Clear();

        var ip = packet[..Ipv4HeaderLength];
        ip[0] = 0x45;                                    // version 4, IHL 5 words
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], ipId);
        ip[8] = 64;                                      // TTL
        ip[9] = (byte)ProtocolType.Tcp;
        source.TryWriteBytes(ip[12..16], out _);
        target.TryWriteBytes(ip[16..20], out _);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip, 0));

        var tcp = packet[Ipv4HeaderLength..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], targetPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        tcp[12] = (TcpHeaderLength / 4) << 4;            // data offset 6 words
        tcp[13] = 0x02;                                  // SYN
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], Window);
        tcp[20] = 2;                                     // MSS option: kind 2, length 4, 1460
        tcp[21] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[22..], 1460);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum(tcp, PseudoHeaderSum(ip, TcpHeaderLength)));
        return Length;
    }

    /// <summary>The sum of the TCP pseudo-header (source, destination, zero, protocol, TCP length) as 16-bit words.</summary>
    public static uint PseudoHeaderSum(ReadOnlySpan<byte> ipv4Header, int tcpLength)
    {
        uint sum = 0;
        for (var i = 12; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(ipv4Header[i..]);
        }

        return sum + ipv4Header[9] + (uint)tcpLength;
    }

    /// <summary>
    /// The Internet checksum (RFC 1071) of <paramref name="data"/> plus <paramref name="initial"/>: the one's
    /// complement of the one's-complement sum. Summing a region that holds a correct checksum gives 0.
    /// </summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, uint initial)
    {
        ulong sum = initial;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
