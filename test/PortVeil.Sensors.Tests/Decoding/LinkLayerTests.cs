using System.Buffers.Binary;
using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using static PortVeil.Sensors.Tests.Support.PacketBuilder;

namespace PortVeil.Sensors.Tests.Decoding;

public class LinkLayerTests
{
    private static readonly byte[] Packet = IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Udp, Udp(1, 53));

    private static byte[] Found(LinkType type, byte[] frame, bool littleEndian = true)
    {
        Assert.Equal(LinkDecodeResult.Ip, LinkLayer.TryGetIpPacket(type, frame, littleEndian, out var ip, out var error));
        Assert.Null(error);
        return ip.ToArray();
    }

    [Fact]
    public void Ethernet_ipv4_and_ipv6_payloads_are_found()
    {
        Assert.Equal(Packet, Found(LinkType.Ethernet, Ethernet(0x0800, Packet)));
        var v6 = IPv6("2001:db8::5", "2001:db8::10", 17, [], Udp(1, 2));
        Assert.Equal(v6, Found(LinkType.Ethernet, Ethernet(0x86DD, v6)));
    }

    [Fact]
    public void Vlan_and_qinq_tags_are_skipped()
    {
        Assert.Equal(Packet, Found(LinkType.Ethernet, Ethernet(0x0800, Packet, 0x8100)));
        Assert.Equal(Packet, Found(LinkType.Ethernet, Ethernet(0x0800, Packet, 0x88A8, 0x8100)));
    }

    [Fact]
    public void Arp_is_non_ip_not_an_error()
    {
        var arp = Ethernet(0x0806, new byte[28]);
        Assert.Equal(LinkDecodeResult.NonIp, LinkLayer.TryGetIpPacket(LinkType.Ethernet, arp, true, out _, out var error));
        Assert.Null(error);
        Assert.Equal(LinkDecodeResult.NonIp, LinkLayer.TryGetIpPacket(LinkType.Ethernet, Ethernet(0x0806, new byte[28], 0x8100), true, out _, out _));
    }

    [Fact]
    public void Short_frames_are_malformed_with_a_reason()
    {
        Assert.Equal(LinkDecodeResult.Malformed, LinkLayer.TryGetIpPacket(LinkType.Ethernet, new byte[13], true, out _, out var e1));
        Assert.Contains("Ethernet", e1, StringComparison.Ordinal);
        Assert.Equal(LinkDecodeResult.Malformed, LinkLayer.TryGetIpPacket(LinkType.LinuxSll, new byte[15], true, out _, out _));
        Assert.Equal(LinkDecodeResult.Malformed, LinkLayer.TryGetIpPacket(LinkType.LinuxSll2, new byte[19], true, out _, out _));
        Assert.Equal(LinkDecodeResult.Malformed, LinkLayer.TryGetIpPacket(LinkType.Ethernet, Ethernet(0x0800, [], 0x8100).AsSpan(0, 16), true, out _, out _));
    }

    [Fact]
    public void Linux_cooked_v1_and_v2_carry_the_ethertype_in_different_places()
    {
        var sll = new byte[16];
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(2), 1);   // ARPHRD_ETHER
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(14), 0x0800);
        Assert.Equal(Packet, Found(LinkType.LinuxSll, Concat(sll, Packet)));

        var sll2 = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(sll2, 0x0800);
        BinaryPrimitives.WriteUInt32BigEndian(sll2.AsSpan(4), 3);  // interface index
        Assert.Equal(Packet, Found(LinkType.LinuxSll2, Concat(sll2, Packet)));
    }

    [Theory]
    [InlineData(LinkType.Raw)]
    [InlineData(LinkType.RawDlt12)]
    [InlineData(LinkType.RawDlt14)]
    [InlineData(LinkType.IPv4)]
    public void Raw_ip_link_types_return_the_frame(LinkType type) => Assert.Equal(Packet, Found(type, Packet));

    private static byte[] Tlv(ushort type, byte[] value, bool littleEndian)
    {
        var length = 4 + value.Length;
        var b = new byte[(length + 3) & ~3];
        if (littleEndian)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)length);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), type);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)length);
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), type);
        }

        value.CopyTo(b, 4);
        return b;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Nflog_payload_tlv_is_found_after_padded_tlvs_in_the_files_byte_order(bool littleEndian)
    {
        var frame = Concat(
            Hex("02 00 0005"),                                 // AF_INET, version 0, group 5
            Tlv(1, Hex("0800 03 00"), littleEndian),            // NFULA_PACKET_HDR
            Tlv(10, "pv-unserved\0"u8.ToArray(), littleEndian), // NFULA_PREFIX (12 bytes → 16 padded)
            Tlv(4, Hex("00000003"), littleEndian),              // NFULA_IFINDEX_INDEV
            Tlv(9, Packet, littleEndian));                      // NFULA_PAYLOAD
        Assert.Equal(Packet, Found(LinkType.Nflog, frame, littleEndian));
    }

    [Fact]
    public void Nflog_without_payload_is_non_ip_and_a_zero_tlv_length_is_malformed()
    {
        var noPayload = Concat(Hex("02 00 0005"), Tlv(10, "x\0"u8.ToArray(), true));
        Assert.Equal(LinkDecodeResult.NonIp, LinkLayer.TryGetIpPacket(LinkType.Nflog, noPayload, true, out _, out _));

        var zero = Concat(Hex("02 00 0005"), Hex("0000 0900"));
        Assert.Equal(LinkDecodeResult.Malformed, LinkLayer.TryGetIpPacket(LinkType.Nflog, zero, true, out _, out var error));
        Assert.Contains("TLV", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_link_type_is_reported_as_unsupported()
    {
        Assert.False(LinkLayer.IsSupported((LinkType)147));
        Assert.Equal(LinkDecodeResult.UnsupportedLinkType, LinkLayer.TryGetIpPacket((LinkType)147, Packet, true, out _, out _));
    }
}
