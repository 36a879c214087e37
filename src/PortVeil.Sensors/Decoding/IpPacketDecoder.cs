using System.Buffers.Binary;
using PortVeil.Core;

namespace PortVeil.Sensors.Decoding;

/// <summary>
/// Decodes an IPv4 or IPv6 packet (headers only is enough) into a <see cref="PacketEvent"/>, in place and without
/// allocating. Shared by pcap, pcapng and live NFLOG.
/// </summary>
/// <remarks>
/// <para>IPv4 (RFC 791): version/IHL, TOS, total length, id, flags/fragment offset, TTL, protocol, checksum,
/// source, destination, options (IHL*4 - 20 bytes).</para>
/// <para>IPv6 (RFC 8200): version/class/flow (4), payload length (2), next header, hop limit, source (16),
/// destination (16); then extension headers: hop-by-hop 0, routing 43 and destination options 60 are
/// (len+1)*8 bytes, fragment 44 is 8 bytes, AH 51 is (len+2)*4 bytes.</para>
/// <para>Headers-only captures (snaplen 96-128) are normal: a payload or L4 header cut short by the capture is not
/// an error; the fields that were captured are filled and the rest stay 0. A header that lies (IHL below 5, total
/// length below IHL, an extension header running past the declared payload) is an error.</para>
/// <para>TimestampNs, Direction and Tag are the caller's; every other field is overwritten.</para>
/// </remarks>
public static class IpPacketDecoder
{
    // A chain longer than this is an attack on the parser, not a real packet (Linux itself stops far earlier).
    private const int MaxExtensionHeaders = 16;

    /// <summary>Decodes <paramref name="ipPacket"/>, which starts at the IP header; false with a reason on bad input.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> ipPacket, ref PacketEvent packet, out string? error)
    {
        var timestamp = packet.TimestampNs;
        var direction = packet.Direction;
        var tag = packet.Tag;
        packet = default;
        packet.TimestampNs = timestamp;
        packet.Direction = direction;
        packet.Tag = tag;
        packet.Options = TcpOptionSummary.Empty;

        if (ipPacket.IsEmpty)
        {
            error = "empty IP packet";
            return false;
        }

        return (ipPacket[0] >> 4) switch
        {
            4 => TryDecodeV4(ipPacket, ref packet, out error),
            6 => TryDecodeV6(ipPacket, ref packet, out error),
            _ => Fail("IP version is neither 4 nor 6", out error),
        };
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    private static bool TryDecodeV4(ReadOnlySpan<byte> ip, ref PacketEvent packet, out string? error)
    {
        if (ip.Length < 20)
        {
            return Fail("IPv4 header truncated: fewer than 20 bytes captured", out error);
        }

        var headerLength = (ip[0] & 0x0F) * 4;
        if (headerLength < 20)
        {
            return Fail("IPv4 header length (IHL) below 5", out error);
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (totalLength < headerLength)
        {
            return Fail("IPv4 total length smaller than its header length", out error);
        }

        if (ip.Length < headerLength)
        {
            return Fail("IPv4 header truncated: options run past the captured bytes", out error);
        }

        packet.Family = IpFamily.IPv4;
        packet.Length = (ushort)totalLength;
        packet.IpId = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        packet.Ttl = ip[8];
        var protocol = (IpProtocol)ip[9];
        packet.Protocol = protocol;
        packet.Source = NetAddress.FromV4(BinaryPrimitives.ReadUInt32BigEndian(ip[12..]));
        packet.Destination = NetAddress.FromV4(BinaryPrimitives.ReadUInt32BigEndian(ip[16..]));

        // Only the first fragment carries the L4 header.
        var fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1FFF;
        if (fragmentOffset != 0)
        {
            error = null;
            return true;
        }

        // Ethernet pads short frames to 60 bytes: stop at the declared total length.
        var end = Math.Min(ip.Length, totalLength);
        var l4 = ip[headerLength..end];
        var truncated = ip.Length < totalLength;
        DecodeTransport(l4, truncated, protocol, ref packet);
        error = null;
        return true;
    }

    private static bool TryDecodeV6(ReadOnlySpan<byte> ip, ref PacketEvent packet, out string? error)
    {
        if (ip.Length < 40)
        {
            return Fail("IPv6 header truncated: fewer than 40 bytes captured", out error);
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        packet.Family = IpFamily.IPv6;
        packet.Length = (ushort)Math.Min(payloadLength + 40, ushort.MaxValue);
        packet.Ttl = ip[7];
        packet.Source = new NetAddress(BinaryPrimitives.ReadUInt64BigEndian(ip[8..]), BinaryPrimitives.ReadUInt64BigEndian(ip[16..]));
        packet.Destination = new NetAddress(BinaryPrimitives.ReadUInt64BigEndian(ip[24..]), BinaryPrimitives.ReadUInt64BigEndian(ip[32..]));

        // Payload length 0 means a jumbogram (RFC 2675) or a segmentation-offloaded capture: trust the capture.
        var declaredEnd = payloadLength == 0 ? ip.Length : 40 + payloadLength;
        var end = Math.Min(ip.Length, declaredEnd);
        var truncated = ip.Length < declaredEnd;
        var rest = ip[40..end];
        var next = ip[6];

        var status = WalkExtensionHeaders(ref rest, ref next, truncated, out var fragmentId, out var laterFragment);
        packet.IpId = fragmentId;
        packet.Protocol = (IpProtocol)next;
        if (status == ExtensionWalk.Lying)
        {
            return Fail("IPv6 extension header runs past the declared payload length", out error);
        }

        if (status == ExtensionWalk.Complete && !laterFragment)
        {
            DecodeTransport(rest, truncated, (IpProtocol)next, ref packet);
        }

        error = null;
        return true;
    }

    private enum ExtensionWalk
    {
        Complete,
        Truncated,
        Lying,
    }

    /// <summary>
    /// Skips extension headers; on return <paramref name="rest"/> starts at the upper-layer header and
    /// <paramref name="next"/> names it (or names the extension header the capture cut short).
    /// </summary>
    private static ExtensionWalk WalkExtensionHeaders(
        ref ReadOnlySpan<byte> rest, ref byte next, bool truncated, out uint fragmentId, out bool laterFragment)
    {
        fragmentId = 0;
        laterFragment = false;
        for (var n = 0; n < MaxExtensionHeaders; n++)
        {
            int length;
            switch (next)
            {
                case 0:
                case 43:
                case 60:
                    if (rest.Length < 2)
                    {
                        return truncated ? ExtensionWalk.Truncated : ExtensionWalk.Lying;
                    }

                    length = (rest[1] + 1) * 8;
                    break;
                case 51:
                    if (rest.Length < 2)
                    {
                        return truncated ? ExtensionWalk.Truncated : ExtensionWalk.Lying;
                    }

                    length = (rest[1] + 2) * 4;
                    break;
                case 44:
                    length = 8;
                    if (rest.Length >= 8)
                    {
                        laterFragment |= (BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) & 0xFFF8) != 0;
                        fragmentId = BinaryPrimitives.ReadUInt32BigEndian(rest[4..]);
                    }

                    break;
                default:
                    return ExtensionWalk.Complete;
            }

            if (rest.Length < length)
            {
                return truncated ? ExtensionWalk.Truncated : ExtensionWalk.Lying;
            }

            next = rest[0];
            rest = rest[length..];
        }

        return ExtensionWalk.Lying;
    }

    /// <summary>Fills ports, flags and ICMP fields from whatever part of the L4 header was captured.</summary>
    private static void DecodeTransport(ReadOnlySpan<byte> l4, bool truncated, IpProtocol protocol, ref PacketEvent packet)
    {
        switch (protocol)
        {
            case IpProtocol.Tcp:
                DecodeTcp(l4, truncated, ref packet);
                break;
            case IpProtocol.Udp:
            case IpProtocol.UdpLite:
            case IpProtocol.Sctp:
                if (l4.Length >= 4)
                {
                    packet.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(l4);
                    packet.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                }

                break;
            case IpProtocol.Icmp:
            case IpProtocol.IcmpV6:
                DecodeIcmp(l4, protocol, ref packet);
                break;
            default:
                break;
        }
    }

    // TCP (RFC 9293): sport 2, dport 2, seq 4, ack 4, data offset/reserved 1, flags 1, window 2, checksum 2,
    // urgent 2, options (data offset * 4 - 20 bytes).
    private static void DecodeTcp(ReadOnlySpan<byte> tcp, bool truncated, ref PacketEvent packet)
    {
        if (tcp.Length < 4)
        {
            return;
        }

        packet.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
        packet.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
        if (tcp.Length < 20)
        {
            // Partial fixed header: take what is whole, in field order.
            if (tcp.Length >= 8)
            {
                packet.Sequence = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
            }

            if (tcp.Length >= 12)
            {
                packet.Acknowledgment = BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]);
            }

            if (tcp.Length >= 14)
            {
                packet.Flags = (TcpFlags)tcp[13];
            }

            if (tcp.Length >= 16)
            {
                packet.Window = BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]);
            }

            return;
        }

        packet.Sequence = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
        packet.Acknowledgment = BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]);
        packet.Flags = (TcpFlags)tcp[13];
        packet.Window = BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]);

        var dataOffset = (tcp[12] >> 4) * 4;
        if (dataOffset < 20)
        {
            var bad = TcpOptionSummary.Empty;
            bad.Malformed = true;
            packet.Options = bad;
            return;
        }

        if (dataOffset > 20)
        {
            var cut = tcp.Length < dataOffset;
            var options = cut ? tcp[20..] : tcp[20..dataOffset];
            packet.Options = TcpOptionWalker.Walk(options, cut && truncated);
        }
    }

    // ICMP (RFC 792) / ICMPv6 (RFC 4443): type 1, code 1, checksum 2, 4 bytes of rest-of-header, then for errors
    // as much of the offending packet as fits.
    private static void DecodeIcmp(ReadOnlySpan<byte> icmp, IpProtocol protocol, ref PacketEvent packet)
    {
        if (icmp.Length < 2)
        {
            return;
        }

        var type = icmp[0];
        packet.IcmpType = type;
        packet.IcmpCode = icmp[1];
        var isError = protocol == IpProtocol.Icmp ? type is 3 or 11 : type is 1 or 3;
        if (isError && icmp.Length > 8)
        {
            DecodeQuoted(icmp[8..], ref packet);
        }
    }

    /// <summary>The packet an ICMP error quotes: its protocol and ports, best effort (quotes are often cut short).</summary>
    private static void DecodeQuoted(ReadOnlySpan<byte> inner, ref PacketEvent packet)
    {
        ReadOnlySpan<byte> l4;
        byte next;
        switch (inner[0] >> 4)
        {
            case 4:
                {
                    if (inner.Length < 20)
                    {
                        return;
                    }

                    var headerLength = (inner[0] & 0x0F) * 4;
                    next = inner[9];
                    packet.QuotedProtocol = (IpProtocol)next;
                    if (headerLength < 20 || inner.Length < headerLength || (BinaryPrimitives.ReadUInt16BigEndian(inner[6..]) & 0x1FFF) != 0)
                    {
                        return;
                    }

                    l4 = inner[headerLength..];
                    break;
                }

            case 6:
                {
                    if (inner.Length < 40)
                    {
                        return;
                    }

                    next = inner[6];
                    l4 = inner[40..];
                    var walk = WalkExtensionHeaders(ref l4, ref next, truncated: true, out _, out var laterFragment);
                    packet.QuotedProtocol = (IpProtocol)next;
                    if (walk != ExtensionWalk.Complete || laterFragment)
                    {
                        return;
                    }

                    break;
                }

            default:
                return;
        }

        if (l4.Length >= 4 && (IpProtocol)next is IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.UdpLite or IpProtocol.Sctp)
        {
            packet.QuotedSourcePort = BinaryPrimitives.ReadUInt16BigEndian(l4);
            packet.QuotedDestinationPort = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
        }
    }
}
