using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using static PortVeil.Sensors.Tests.Support.PacketBuilder;

namespace PortVeil.Sensors.Tests.Decoding;

public class IpPacketDecoderTests
{
    private static PacketEvent Decode(byte[] ip)
    {
        var packet = default(PacketEvent);
        Assert.True(IpPacketDecoder.TryDecode(ip, ref packet, out var error), error);
        Assert.Null(error);
        return packet;
    }

    private static string DecodeFails(byte[] ip)
    {
        var packet = default(PacketEvent);
        Assert.False(IpPacketDecoder.TryDecode(ip, ref packet, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        return error!;
    }

    [Fact]
    public void Nmap_style_syn_with_a_lone_mss_option_is_decoded_field_by_field()
    {
        var tcp = Tcp(40000, 22, TcpFlags.Syn, window: 1024, seq: 0xDEADBEEF, options: Hex("020405B4"));
        var p = Decode(IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Tcp, tcp, ttl: 45, id: 54321));

        Assert.Equal(IpFamily.IPv4, p.Family);
        Assert.Equal(NetAddress.Parse("198.51.100.7"), p.Source);
        Assert.Equal(NetAddress.Parse("203.0.113.10"), p.Destination);
        Assert.Equal(IpProtocol.Tcp, p.Protocol);
        Assert.Equal(45, p.Ttl);
        Assert.Equal(54321u, p.IpId);
        Assert.Equal(44, p.Length);
        Assert.Equal(40000, p.SourcePort);
        Assert.Equal(22, p.DestinationPort);
        Assert.Equal(TcpFlags.Syn, p.Flags);
        Assert.Equal(1024, p.Window);
        Assert.Equal(0xDEADBEEFu, p.Sequence);
        Assert.True(p.IsTcpSyn);
        Assert.Equal(1, p.Options.Count);
        Assert.Equal(TcpOptionKind.Mss, p.Options.KindAt(0));
        Assert.Equal(1460, p.Options.Mss);
        Assert.False(p.Options.SackPermitted);
        Assert.False(p.Options.HasWindowScale);
        Assert.False(p.Options.Timestamps);
        Assert.False(p.Options.Malformed);
    }

    [Fact]
    public void Linux_syn_options_keep_their_order_and_values()
    {
        var tcp = Tcp(49384, 8080, TcpFlags.Syn, window: 64240, options: Hex("020405B40402080A26C0BEF9000000000103030A"));
        var p = Decode(IPv4("192.0.2.21", "203.0.113.10", IpProtocol.Tcp, tcp));

        Assert.Equal("M1460,S,T,N,W10", p.Options.ToString());
        Assert.Equal(5, p.Options.Count);
        Assert.True(p.Options.SackPermitted);
        Assert.True(p.Options.Timestamps);
        Assert.Equal(10, p.Options.WindowScale);
        Assert.False(p.Options.Malformed);
    }

    [Fact]
    public void Option_length_running_past_the_header_marks_the_summary_malformed()
    {
        // MSS, then a window-scale option claiming 9 bytes in a 4-byte remainder.
        var tcp = Tcp(1, 2, TcpFlags.Syn, options: Hex("020405B4 0309 0101"));
        var p = Decode(IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Tcp, tcp));

        Assert.True(p.Options.Malformed);
        Assert.Equal(1460, p.Options.Mss);
        Assert.Equal(2, p.DestinationPort);
    }

    [Fact]
    public void Option_cut_off_by_the_capture_is_not_malformed()
    {
        var tcp = Tcp(40000, 22, TcpFlags.Syn, options: Hex("020405B40402080A26C0BEF9000000000103030A"));
        var ip = IPv4("192.0.2.21", "203.0.113.10", IpProtocol.Tcp, tcp);
        var p = Decode(ip[..(20 + 20 + 10)]); // snaplen cut inside the timestamps option

        Assert.False(p.Options.Malformed);
        Assert.True(p.Options.SackPermitted);
        Assert.Equal(1460, p.Options.Mss);
        Assert.Equal(60, p.Length);
    }

    [Fact]
    public void Tcp_data_offset_below_five_is_malformed_options_but_keeps_ports()
    {
        var tcp = Tcp(1234, 80, TcpFlags.Ack);
        tcp[12] = 0x30;
        var p = Decode(IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Tcp, tcp));
        Assert.True(p.Options.Malformed);
        Assert.Equal(80, p.DestinationPort);
    }

    [Fact]
    public void Truncated_tcp_header_still_yields_ip_fields_and_ports()
    {
        var ip = IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Tcp, Tcp(40000, 443, TcpFlags.Syn, seq: 7));

        var withPorts = Decode(ip[..24]);
        Assert.Equal(443, withPorts.DestinationPort);
        Assert.Equal(40000, withPorts.SourcePort);
        Assert.Equal(TcpFlags.None, withPorts.Flags);
        Assert.Equal(IpProtocol.Tcp, withPorts.Protocol);

        var withFlags = Decode(ip[..34]);
        Assert.Equal(TcpFlags.Syn, withFlags.Flags);
        Assert.Equal(7u, withFlags.Sequence);

        var noPorts = Decode(ip[..22]);
        Assert.Equal(0, noPorts.DestinationPort);
        Assert.Equal(NetAddress.Parse("198.51.100.7"), noPorts.Source);
    }

    [Fact]
    public void Short_or_lying_ipv4_headers_fail_with_a_reason()
    {
        var ip = IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Udp, Udp(1, 53));
        Assert.Contains("truncated", DecodeFails(ip[..19]), StringComparison.Ordinal);

        var lowIhl = (byte[])ip.Clone();
        lowIhl[0] = 0x44;
        Assert.Contains("IHL", DecodeFails(lowIhl), StringComparison.Ordinal);

        var shortTotal = (byte[])ip.Clone();
        shortTotal[2] = 0;
        shortTotal[3] = 12;
        Assert.Contains("total length", DecodeFails(shortTotal), StringComparison.Ordinal);

        var optionsCut = IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Udp, Udp(1, 53), optionBytes: 20);
        Assert.Contains("options", DecodeFails(optionsCut[..30]), StringComparison.Ordinal);

        Assert.Contains("version", DecodeFails([0x50, 0, 0, 0]), StringComparison.Ordinal);
        Assert.Contains("empty", DecodeFails([]), StringComparison.Ordinal);
    }

    [Fact]
    public void Ethernet_padding_after_the_ip_total_length_is_ignored()
    {
        var ip = IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Tcp, Tcp(1, 2, TcpFlags.Rst));
        var padded = Concat(ip, Hex("020405B4 0000"));
        var p = Decode(padded);
        Assert.Equal(40, p.Length);
        Assert.Equal(0, p.Options.Count);
    }

    [Fact]
    public void Ipv4_header_options_are_skipped()
    {
        var p = Decode(IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Udp, Udp(5000, 161), optionBytes: 8));
        Assert.Equal(161, p.DestinationPort);
        Assert.Equal(5000, p.SourcePort);
    }

    [Fact]
    public void Non_first_ipv4_fragment_has_no_ports()
    {
        var p = Decode(IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Udp, Udp(5000, 161), fragmentField: 0x0010));
        Assert.Equal(IpProtocol.Udp, p.Protocol);
        Assert.Equal(0, p.DestinationPort);
    }

    [Theory]
    [InlineData(IpProtocol.Udp)]
    [InlineData(IpProtocol.UdpLite)]
    [InlineData(IpProtocol.Sctp)]
    public void Udp_udplite_and_sctp_ports_are_read(IpProtocol protocol)
    {
        var p = Decode(IPv4("198.51.100.12", "203.0.113.10", protocol, Udp(61000, 5060)));
        Assert.Equal(protocol, p.Protocol);
        Assert.Equal(61000, p.SourcePort);
        Assert.Equal(5060, p.DestinationPort);
    }

    [Fact]
    public void Icmp_port_unreachable_quotes_the_udp_probe()
    {
        var probe = IPv4("198.51.100.12", "203.0.113.10", IpProtocol.Udp, Udp(61000, 161));
        var icmp = Icmp(3, 3, probe);
        var p = Decode(IPv4("203.0.113.10", "198.51.100.12", IpProtocol.Icmp, icmp));

        Assert.True(p.IsIcmp);
        Assert.Equal(3, p.IcmpType);
        Assert.Equal(3, p.IcmpCode);
        Assert.Equal(IpProtocol.Udp, p.QuotedProtocol);
        Assert.Equal(61000, p.QuotedSourcePort);
        Assert.Equal(161, p.QuotedDestinationPort);
        Assert.Equal(0, p.DestinationPort);
    }

    [Fact]
    public void Icmp_echo_has_type_and_no_quote()
    {
        var p = Decode(IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Icmp, Icmp(8, 0, new byte[32])));
        Assert.Equal(8, p.IcmpType);
        Assert.Equal(default, p.QuotedProtocol);
    }

    [Fact]
    public void Icmp_error_with_a_quote_cut_short_keeps_the_quoted_protocol()
    {
        var probe = IPv4("198.51.100.12", "203.0.113.10", IpProtocol.Udp, Udp(61000, 161));
        var p = Decode(IPv4("203.0.113.10", "198.51.100.12", IpProtocol.Icmp, Icmp(11, 0, probe.AsSpan(0, 22))));
        Assert.Equal(11, p.IcmpType);
        Assert.Equal(IpProtocol.Udp, p.QuotedProtocol);
        Assert.Equal(0, p.QuotedDestinationPort);
    }

    [Fact]
    public void Ipv6_tcp_after_hop_by_hop_routing_and_destination_options_is_found()
    {
        // hop-by-hop (next 43, len 0 = 8 bytes), routing (next 60, len 1 = 16 bytes), dest opts (next 6, len 0).
        var ext = Concat(
            Hex("2B00 0000 0000 0000"),
            Hex("3C01 0000 0000 0000 0000 0000 0000 0000"),
            Hex("0600 0000 0000 0000"));
        var tcp = Tcp(50000, 443, TcpFlags.Syn, options: Hex("020405A0"));
        var p = Decode(IPv6("2001:db8::5", "2001:db8::10", 0, ext, tcp, hopLimit: 57));

        Assert.Equal(IpFamily.IPv6, p.Family);
        Assert.Equal(NetAddress.Parse("2001:db8::5"), p.Source);
        Assert.Equal(NetAddress.Parse("2001:db8::10"), p.Destination);
        Assert.Equal(IpProtocol.Tcp, p.Protocol);
        Assert.Equal(57, p.Ttl);
        Assert.Equal(443, p.DestinationPort);
        Assert.Equal(1440, p.Options.Mss);
        Assert.Equal(40 + 32 + 24, p.Length);
    }

    [Fact]
    public void Ipv6_authentication_header_is_skipped()
    {
        // AH: next 17, payload len 4 → (4+2)*4 = 24 bytes.
        var ah = Concat(Hex("1104 0000"), new byte[20]);
        var p = Decode(IPv6("2001:db8::5", "2001:db8::10", 51, ah, Udp(1000, 53)));
        Assert.Equal(IpProtocol.Udp, p.Protocol);
        Assert.Equal(53, p.DestinationPort);
    }

    [Fact]
    public void Ipv6_first_fragment_has_ports_and_the_fragment_id()
    {
        var frag = Hex("1100 0001 1234 5678"); // next UDP, offset 0, M=1, id 0x12345678
        var p = Decode(IPv6("2001:db8::5", "2001:db8::10", 44, frag, Udp(1000, 53)));
        Assert.Equal(0x12345678u, p.IpId);
        Assert.Equal(IpProtocol.Udp, p.Protocol);
        Assert.Equal(53, p.DestinationPort);
    }

    [Fact]
    public void Ipv6_later_fragment_has_no_l4_header()
    {
        var frag = Hex("1100 00A8 0000 0042"); // offset 21 (×8 bytes)
        var p = Decode(IPv6("2001:db8::5", "2001:db8::10", 44, frag, Udp(1000, 53)));
        Assert.Equal(0x42u, p.IpId);
        Assert.Equal(IpProtocol.Udp, p.Protocol);
        Assert.Equal(0, p.DestinationPort);
    }

    [Fact]
    public void Ipv6_extension_header_longer_than_the_payload_fails()
    {
        var ext = Hex("0605 0000 0000 0000"); // hop-by-hop claiming 48 bytes
        Assert.Contains("extension header", DecodeFails(IPv6("2001:db8::5", "2001:db8::10", 0, ext, [])), StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6_header_shorter_than_40_bytes_fails()
    {
        var ip = IPv6("2001:db8::5", "2001:db8::10", 17, [], Udp(1, 2));
        Assert.Contains("IPv6", DecodeFails(ip[..39]), StringComparison.Ordinal);
    }

    [Fact]
    public void Icmpv6_unreachable_quotes_the_tcp_probe()
    {
        var probe = IPv6("2001:db8::5", "2001:db8::10", 6, [], Tcp(40001, 8081, TcpFlags.Syn));
        var p = Decode(IPv6("2001:db8::10", "2001:db8::5", 58, [], Icmp(1, 4, probe)));
        Assert.Equal(IpProtocol.IcmpV6, p.Protocol);
        Assert.Equal(1, p.IcmpType);
        Assert.Equal(4, p.IcmpCode);
        Assert.Equal(IpProtocol.Tcp, p.QuotedProtocol);
        Assert.Equal(8081, p.QuotedDestinationPort);
        Assert.Equal(40001, p.QuotedSourcePort);
    }

    [Fact]
    public void Caller_fields_survive_and_stale_fields_are_cleared()
    {
        var packet = new PacketEvent
        {
            TimestampNs = 123,
            Direction = PacketDirection.Inbound,
            Tag = PacketTag.Tripwire,
            DestinationPort = 9999,
            Flags = TcpFlags.Fin,
            QuotedProtocol = IpProtocol.Udp,
        };
        var ip = IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Icmp, Icmp(8, 0));
        Assert.True(IpPacketDecoder.TryDecode(ip, ref packet, out _));
        Assert.Equal(123, packet.TimestampNs);
        Assert.Equal(PacketDirection.Inbound, packet.Direction);
        Assert.Equal(PacketTag.Tripwire, packet.Tag);
        Assert.Equal(0, packet.DestinationPort);
        Assert.Equal(TcpFlags.None, packet.Flags);
        Assert.Equal(default, packet.QuotedProtocol);
        Assert.Equal(TcpOptionSummary.Empty, packet.Options);
    }
}
