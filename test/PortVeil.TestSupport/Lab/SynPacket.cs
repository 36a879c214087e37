using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PortVeil.TestSupport.Lab;

/// <summary>
/// Writes a TCP SYN with any (forged) source, IPv4 or IPv6, for <see cref="RawSynSender"/>. Both addresses must be
/// documentation or loopback addresses (<see cref="DocumentationRanges"/>).
/// </summary>
/// <remarks>
/// Two option sets: by default what a raw scanner sends (nmap -sS, masscan: window 1024 and a lone MSS 1460, so an
/// IPv4 SYN is 20 + 24 = 44 bytes); with <c>clientOptions</c> what a Linux client sends minus timestamps (window
/// 64240, MSS 1460, SACK-permitted, window scale 7: 12 option bytes), so first-contact gating and the raw-SYN
/// fingerprint see a "real" stack. The IPv4 header checksum is filled in although the kernel rewrites it for
/// IPPROTO_RAW (ip(7)), so the bytes are a valid packet on their own; the TCP checksum covers the pseudo-header of
/// either family (RFC 793, RFC 8200 section 8.1).
/// </remarks>
public static class SynPacket
{
    /// <summary>Bytes of an IPv4 SYN with the scanner's lone MSS option: IPv4 header (20) + TCP (24).</summary>
    public const int Length = 20 + 24;

    /// <summary>Largest packet <see cref="Write"/> produces: IPv6 header (40) + TCP with 12 option bytes (32).</summary>
    public const int MaxLength = 40 + 32;

    /// <summary>nmap's raw SYN window (one of 1024/2048/3072/4096), sent without client options.</summary>
    public const ushort Window = 1024;

    /// <summary>A Linux client's first window, sent with client options.</summary>
    public const ushort ClientWindow = 64240;

    /// <summary>Writes one SYN into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes will do); returns its length.</summary>
    /// <param name="ipId">The IPv4 identification field; IPv6 has none.</param>
    public static int Write(
        Span<byte> destination, IPAddress source, IPAddress target, ushort sourcePort, ushort targetPort, uint sequence, ushort ipId = 0, bool clientOptions = false)
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

        if (v6)
        {
            ip[0] = 0x60;                                            // version 6, traffic class 0, flow label 0
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)tcpLength);
            ip[6] = (byte)ProtocolType.Tcp;                          // next header
            ip[7] = 64;                                              // hop limit
            source.TryWriteBytes(ip[8..24], out _);
            target.TryWriteBytes(ip[24..40], out _);
        }
        else
        {
            ip[0] = 0x45;                                            // version 4, IHL 5 words
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)length);
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], ipId);
            ip[8] = 64;                                              // TTL
            ip[9] = (byte)ProtocolType.Tcp;
            source.TryWriteBytes(ip[12..16], out _);
            target.TryWriteBytes(ip[16..20], out _);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip));
        }

        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], targetPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        tcp[12] = (byte)((tcpLength / 4) << 4);                      // data offset
        tcp[13] = 0x02;                                              // SYN
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], clientOptions ? ClientWindow : Window);
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

        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum(tcp, PseudoHeaderSum(ip, tcpLength)));
        return length;
    }

    /// <summary>
    /// The sum of the TCP pseudo-header as 16-bit words (source, destination, zero, protocol, TCP length) for an
    /// IPv4 or IPv6 header (RFC 793; RFC 8200 section 8.1).
    /// </summary>
    public static uint PseudoHeaderSum(ReadOnlySpan<byte> ipHeader, int tcpLength)
    {
        var addresses = ipHeader[0] >> 4 == 6 ? ipHeader[8..40] : ipHeader[12..20];
        return SumWords(addresses) + (uint)ProtocolType.Tcp + (uint)tcpLength;
    }

    /// <summary>
    /// The Internet checksum (RFC 1071) of <paramref name="data"/> plus <paramref name="initial"/>: the one's
    /// complement of the one's-complement sum. Summing a region that holds a correct checksum gives 0.
    /// </summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, uint initial = 0)
    {
        // 64-bit so that no realistic length (a 72-byte SYN is 36 words) can overflow before folding.
        ulong sum = initial + (ulong)SumWords(data);
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

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
}
