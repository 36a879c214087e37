using System.Buffers.Binary;

namespace PortVeil.Sensors.Decoding;

/// <summary>
/// Finds the IP packet inside a captured link-layer frame, for every link type in <see cref="LinkType"/>.
/// Returns spans over the frame; nothing is copied or allocated.
/// </summary>
public static class LinkLayer
{
    private const ushort EtherTypeIPv4 = 0x0800;
    private const ushort EtherTypeIPv6 = 0x86DD;
    private const ushort EtherTypeVlan = 0x8100;   // 802.1Q
    private const ushort EtherTypeQinQ = 0x88A8;   // 802.1ad
    private const ushort EtherTypeQinQOld = 0x9100; // pre-standard QinQ, still seen on old switches

    // Q-in-Q has two tags; more than four is garbage, not a network.
    private const int MaxVlanTags = 4;

    private const ushort NfulaPayload = 9;

    public static bool IsSupported(LinkType linkType) => linkType switch
    {
        LinkType.Null or LinkType.Ethernet or LinkType.RawDlt12 or LinkType.RawDlt14 or LinkType.Raw or LinkType.Loop
            or LinkType.LinuxSll or LinkType.IPv4 or LinkType.IPv6 or LinkType.Nflog or LinkType.LinuxSll2 => true,
        _ => false,
    };

    /// <summary>Finds the IP packet in <paramref name="frame"/>.</summary>
    /// <param name="linkType">The link type of the capture's interface.</param>
    /// <param name="frame">The captured bytes of one frame.</param>
    /// <param name="littleEndianFile">
    /// The capture file's byte order: NFLOG TLV lengths and BSD loopback families are written in the capturing
    /// host's order, which is the file's.
    /// </param>
    /// <param name="ipPacket">The IP packet when the result is <see cref="LinkDecodeResult.Ip"/>.</param>
    /// <param name="error">A reason when the result is <see cref="LinkDecodeResult.Malformed"/>.</param>
    public static LinkDecodeResult TryGetIpPacket(
        LinkType linkType, ReadOnlySpan<byte> frame, bool littleEndianFile, out ReadOnlySpan<byte> ipPacket, out string? error)
    {
        switch (linkType)
        {
            case LinkType.Ethernet:
                return Ethernet(frame, out ipPacket, out error);
            case LinkType.Raw:
            case LinkType.RawDlt12:
            case LinkType.RawDlt14:
            case LinkType.IPv4:
            case LinkType.IPv6:
                return Raw(frame, out ipPacket, out error);
            case LinkType.LinuxSll:
                return LinuxSll(frame, out ipPacket, out error);
            case LinkType.LinuxSll2:
                return LinuxSll2(frame, out ipPacket, out error);
            case LinkType.Nflog:
                return Nflog(frame, littleEndianFile, out ipPacket, out error);
            case LinkType.Null:
                return Loopback(frame, littleEndianFile, out ipPacket, out error);
            case LinkType.Loop:
                return Loopback(frame, littleEndian: false, out ipPacket, out error);
            default:
                ipPacket = default;
                error = "unsupported link type";
                return LinkDecodeResult.UnsupportedLinkType;
        }
    }

    /// <summary>Ethernet II: destination 6, source 6, EtherType 2, with any 802.1Q / 802.1ad tags (4 bytes each) skipped.</summary>
    public static LinkDecodeResult Ethernet(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ipPacket, out string? error)
    {
        ipPacket = default;
        if (frame.Length < 14)
        {
            error = "frame shorter than an Ethernet header (14 bytes)";
            return LinkDecodeResult.Malformed;
        }

        var offset = 12;
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        for (var tags = 0; etherType is EtherTypeVlan or EtherTypeQinQ or EtherTypeQinQOld; tags++)
        {
            offset += 4;
            if (tags == MaxVlanTags || frame.Length < offset + 2)
            {
                error = "VLAN tags run past the captured frame";
                return LinkDecodeResult.Malformed;
            }

            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        }

        return FromEtherType(etherType, frame[(offset + 2)..], out ipPacket, out error);
    }

    /// <summary>Raw IP: the frame is the packet; the version nibble says which.</summary>
    public static LinkDecodeResult Raw(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ipPacket, out string? error)
    {
        ipPacket = frame;
        error = null;
        return LinkDecodeResult.Ip;
    }

    /// <summary>
    /// Linux cooked v1: packet type 2, ARPHRD type 2, address length 2, address 8, protocol 2 (an EtherType).
    /// </summary>
    public static LinkDecodeResult LinuxSll(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ipPacket, out string? error)
    {
        ipPacket = default;
        if (frame.Length < 16)
        {
            error = "frame shorter than a Linux cooked (SLL) header (16 bytes)";
            return LinkDecodeResult.Malformed;
        }

        return FromEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame[14..]), frame[16..], out ipPacket, out error);
    }

    /// <summary>
    /// Linux cooked v2: protocol 2 (an EtherType), reserved 2, interface index 4, ARPHRD type 2, packet type 1,
    /// address length 1, address 8.
    /// </summary>
    public static LinkDecodeResult LinuxSll2(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ipPacket, out string? error)
    {
        ipPacket = default;
        if (frame.Length < 20)
        {
            error = "frame shorter than a Linux cooked v2 (SLL2) header (20 bytes)";
            return LinkDecodeResult.Malformed;
        }

        return FromEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame), frame[20..], out ipPacket, out error);
    }

    /// <summary>
    /// NFLOG: family 1, version 1, resource id 2 (big-endian), then TLVs: length 2 and type 2 in the capturing
    /// host's byte order, the length counting the 4-byte TLV header, each TLV padded to 4 bytes. The packet is
    /// in NFULA_PAYLOAD (type 9).
    /// </summary>
    public static LinkDecodeResult Nflog(ReadOnlySpan<byte> frame, bool littleEndian, out ReadOnlySpan<byte> ipPacket, out string? error)
    {
        ipPacket = default;
        if (frame.Length < 4)
        {
            error = "frame shorter than an NFLOG header (4 bytes)";
            return LinkDecodeResult.Malformed;
        }

        var tlvs = frame[4..];
        while (tlvs.Length >= 4)
        {
            int length = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(tlvs) : BinaryPrimitives.ReadUInt16BigEndian(tlvs);
            var type = (ushort)((littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(tlvs[2..]) : BinaryPrimitives.ReadUInt16BigEndian(tlvs[2..])) & 0x7FFF);
            if (length < 4)
            {
                error = "NFLOG TLV length below 4";
                return LinkDecodeResult.Malformed;
            }

            if (type == NfulaPayload)
            {
                // A payload cut short by the snaplen is normal; keep what was captured.
                ipPacket = tlvs[4..Math.Min(length, tlvs.Length)];
                if (ipPacket.IsEmpty)
                {
                    error = "NFLOG payload is empty";
                    return LinkDecodeResult.Malformed;
                }

                error = null;
                return LinkDecodeResult.Ip;
            }

            var padded = (length + 3) & ~3;
            if (padded >= tlvs.Length)
            {
                break;
            }

            tlvs = tlvs[padded..];
        }

        // NFLOG messages without a payload (e.g. only a prefix) are not packets.
        error = null;
        return LinkDecodeResult.NonIp;
    }

    /// <summary>BSD loopback: a 4-byte address family (AF_INET 2; AF_INET6 24, 28 or 30 depending on the OS).</summary>
    public static LinkDecodeResult Loopback(ReadOnlySpan<byte> frame, bool littleEndian, out ReadOnlySpan<byte> ipPacket, out string? error)
    {
        ipPacket = default;
        if (frame.Length < 4)
        {
            error = "frame shorter than a loopback header (4 bytes)";
            return LinkDecodeResult.Malformed;
        }

        var family = littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(frame) : BinaryPrimitives.ReadUInt32BigEndian(frame);
        error = null;
        if (family is 2 or 24 or 28 or 30)
        {
            ipPacket = frame[4..];
            return LinkDecodeResult.Ip;
        }

        return LinkDecodeResult.NonIp;
    }

    private static LinkDecodeResult FromEtherType(ushort etherType, ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> ipPacket, out string? error)
    {
        error = null;
        if (etherType is EtherTypeIPv4 or EtherTypeIPv6)
        {
            ipPacket = payload;
            return LinkDecodeResult.Ip;
        }

        ipPacket = default;
        return LinkDecodeResult.NonIp;
    }
}
