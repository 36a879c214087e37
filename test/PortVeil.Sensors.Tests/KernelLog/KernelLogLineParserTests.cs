using PortVeil.Core;
using PortVeil.Sensors.KernelLog;

namespace PortVeil.Sensors.Tests.KernelLog;

public class KernelLogLineParserTests
{
    private const string Syn = "IN=eth0 OUT= MAC=02:cb:00:71:0a:00:02:c6:33:64:07:00:08:00 SRC=198.51.100.7 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=45 ID=1 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) ";

    private static readonly KernelLogOptions Utc2026 = new() { Year = 2026, TimeZone = TimeZoneInfo.Utc };

    private static long Ns(int year, int month, int day, int hour, int minute, int second, long extraNs = 0) =>
        ((new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks * 100) + extraNs;

    private static PacketEvent Parse(string line, KernelLogLineParser? parser = null)
    {
        parser ??= new KernelLogLineParser(Utc2026);
        var packet = default(PacketEvent);
        Assert.True(parser.TryParse(System.Text.Encoding.UTF8.GetBytes(line), ref packet, out var error), error);
        return packet;
    }

    private static string Fails(string line)
    {
        var packet = default(PacketEvent);
        Assert.False(new KernelLogLineParser(Utc2026).TryParse(System.Text.Encoding.UTF8.GetBytes(line), ref packet, out var error));
        Assert.NotNull(error);
        return error!;
    }

    [Fact]
    public void Psad_style_syn_line_with_syslog_prefix_is_parsed_field_by_field()
    {
        var p = Parse("Nov 25 16:30:02 srv kernel: [  107.400000] DROP " + Syn);

        Assert.Equal(Ns(2026, 11, 25, 16, 30, 2), p.TimestampNs);
        Assert.Equal(IpFamily.IPv4, p.Family);
        Assert.Equal(NetAddress.Parse("198.51.100.7"), p.Source);
        Assert.Equal(NetAddress.Parse("203.0.113.10"), p.Destination);
        Assert.Equal(IpProtocol.Tcp, p.Protocol);
        Assert.Equal(44, p.Length);
        Assert.Equal(45, p.Ttl);
        Assert.Equal(1u, p.IpId);
        Assert.Equal(40000, p.SourcePort);
        Assert.Equal(22, p.DestinationPort);
        Assert.Equal(1024, p.Window);
        Assert.Equal(TcpFlags.Syn, p.Flags);
        Assert.Equal("M1460", p.Options.ToString());
        Assert.Equal(PacketDirection.Inbound, p.Direction);
    }

    [Theory]
    [InlineData("[UFW BLOCK] ")]
    [InlineData("FW-IN ")]
    [InlineData("DROP ")]
    [InlineData("")]
    [InlineData("nft-LOGIN=drop ")]
    public void Any_log_prefix_before_IN_is_accepted(string prefix)
    {
        var p = Parse("Nov 25 16:30:02 srv kernel: [  107.400000] " + prefix + Syn);
        Assert.Equal(22, p.DestinationPort);
        Assert.Equal(PacketDirection.Inbound, p.Direction);
    }

    [Fact]
    public void Uptime_keeps_sub_second_order_within_one_syslog_second()
    {
        var parser = new KernelLogLineParser(Utc2026);
        var a = Parse("Nov 25 16:32:36 srv kernel: [  283.900611] " + Syn, parser);
        var b = Parse("Nov 25 16:32:36 srv kernel: [  283.950000] " + Syn, parser);
        var c = Parse("Nov 25 16:32:37 srv kernel: [  284.100000] " + Syn, parser);

        Assert.Equal(Ns(2026, 11, 25, 16, 32, 36), a.TimestampNs);
        Assert.Equal(a.TimestampNs + 49_389_000, b.TimestampNs);
        Assert.Equal(a.TimestampNs + 199_389_000, c.TimestampNs);
    }

    [Fact]
    public void A_reboot_re_anchors_the_clock_on_the_syslog_time()
    {
        var parser = new KernelLogLineParser(Utc2026);
        Parse("Nov 25 16:32:36 srv kernel: [  283.900611] " + Syn, parser);
        var afterReboot = Parse("Nov 25 17:00:00 srv kernel: [    5.000000] " + Syn, parser);
        Assert.Equal(Ns(2026, 11, 25, 17, 0, 0), afterReboot.TimestampNs);
    }

    [Fact]
    public void Year_steps_up_when_the_month_wraps()
    {
        var parser = new KernelLogLineParser(new KernelLogOptions { Year = 2025, TimeZone = TimeZoneInfo.Utc });
        var dec = Parse("Dec 31 23:59:59 srv kernel: " + Syn, parser);
        var jan = Parse("Jan  1 00:00:01 srv kernel: " + Syn, parser);
        Assert.Equal(Ns(2025, 12, 31, 23, 59, 59), dec.TimestampNs);
        Assert.Equal(Ns(2026, 1, 1, 0, 0, 1), jan.TimestampNs);
    }

    [Fact]
    public void Year_comes_from_the_reference_time_and_a_later_month_means_last_year()
    {
        var reference = new DateTime(2026, 1, 3, 10, 0, 0);
        var zone = new KernelLogOptions { TimeZone = TimeZoneInfo.Utc };
        Assert.Equal(Ns(2025, 12, 30, 8, 0, 0), Parse("Dec 30 08:00:00 srv kernel: " + Syn, new KernelLogLineParser(zone, reference)).TimestampNs);
        Assert.Equal(Ns(2026, 1, 2, 8, 0, 0), Parse("Jan  2 08:00:00 srv kernel: " + Syn, new KernelLogLineParser(zone, reference)).TimestampNs);
    }

    [Fact]
    public void Syslog_time_is_local_time_of_the_given_zone()
    {
        var plus2 = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");
        var p = Parse("Nov 25 16:30:02 srv kernel: " + Syn, new KernelLogLineParser(new KernelLogOptions { Year = 2026, TimeZone = plus2 }));
        Assert.Equal(Ns(2026, 11, 25, 14, 30, 2), p.TimestampNs);
    }

    [Theory]
    [InlineData("2026-11-25T16:32:36.123456+00:00 host kernel: ", 123_456_000)]
    [InlineData("2026-11-25T18:32:36.123456+02:00 host kernel: ", 123_456_000)]
    [InlineData("2026-11-25T16:32:36+0000 host kernel: ", 0)]
    [InlineData("2026-11-25T16:32:36Z host kernel: [  283.900611] ", 0)]
    [InlineData("Nov 25 16:32:36.250000 host kernel: ", 250_000_000)]
    [InlineData("<4>Nov 25 16:32:36 host kernel: ", 0)]
    [InlineData("<4>1 2026-11-25T16:32:36.5Z host kernel - - - ", 500_000_000)]

    public void Journal_and_rfc3339_prefixes_give_the_exact_time(string prefix, long fractionNs)
    {
        var p = Parse(prefix + Syn);
        Assert.Equal(Ns(2026, 11, 25, 16, 32, 36, fractionNs), p.TimestampNs);
        Assert.Equal(22, p.DestinationPort);
    }

    [Fact]
    public void Bare_dmesg_lines_use_boot_time_plus_uptime()
    {
        var parser = new KernelLogLineParser(new KernelLogOptions { BootTimeNs = 1_000_000_000_000 });
        Assert.Equal(1_000_000_000_000 + 283_900_611_000, Parse("[  283.900611] DROP " + Syn, parser).TimestampNs);
        Assert.Equal(1_000_000_000_000 + 283_900_611_000, Parse(Syn, parser).TimestampNs);
    }

    [Fact]
    public void A_process_id_in_brackets_is_not_taken_for_the_uptime()
    {
        var parser = new KernelLogLineParser(new KernelLogOptions { BootTimeNs = 5_000_000_000 });
        Assert.Equal(5_000_000_000, Parse("ulogd[1234]: " + Syn, parser).TimestampNs);
    }

    [Fact]
    public void Ipv6_line_in_the_kernels_uncompressed_form_is_parsed()
    {
        var p = Parse("Nov 25 16:30:02 srv kernel: v6 IN=eth0 OUT= MAC=02:cb:00:71:0a:00:02:c6:33:64:07:00:86:dd SRC=2001:0db8:0000:0000:0000:0000:0000:0005 DST=2001:db8::10 LEN=80 TC=0 HOPLIMIT=57 FLOWLBL=372101 PROTO=TCP SPT=50000 DPT=443 WINDOW=64800 RES=0x00 SYN URGP=0 OPT (020405A00402080A5B0FC3460000000001030307) ");
        Assert.Equal(IpFamily.IPv6, p.Family);
        Assert.Equal(NetAddress.Parse("2001:db8::5"), p.Source);
        Assert.Equal(NetAddress.Parse("2001:db8::10"), p.Destination);
        Assert.Equal(57, p.Ttl);
        Assert.Equal(80, p.Length);
        Assert.Equal(443, p.DestinationPort);
        Assert.Equal("M1440,S,T,N,W7", p.Options.ToString());
    }

    [Fact]
    public void Icmp_port_unreachable_quotes_the_udp_probe()
    {
        var p = Parse("IN= OUT=eth0 SRC=203.0.113.10 DST=198.51.100.12 LEN=56 TOS=0x00 PREC=0xC0 TTL=64 ID=1234 PROTO=ICMP TYPE=3 CODE=3 [SRC=198.51.100.12 DST=203.0.113.10 LEN=28 TOS=0x00 PREC=0x00 TTL=59 ID=24836 PROTO=UDP SPT=43577 DPT=1434 LEN=8 ] ");
        Assert.Equal(IpProtocol.Icmp, p.Protocol);
        Assert.Equal(3, p.IcmpType);
        Assert.Equal(3, p.IcmpCode);
        Assert.Equal(IpProtocol.Udp, p.QuotedProtocol);
        Assert.Equal(43577, p.QuotedSourcePort);
        Assert.Equal(1434, p.QuotedDestinationPort);
        Assert.Equal(0, p.DestinationPort);
        Assert.Equal(1234u, p.IpId);
        Assert.Equal(56, p.Length);
        Assert.Equal(PacketDirection.Outbound, p.Direction);
    }

    [Fact]
    public void Icmp_echo_id_after_proto_does_not_replace_the_ip_id()
    {
        var p = Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=28 TOS=0x00 PREC=0x00 TTL=56 ID=48056 PROTO=ICMP TYPE=8 CODE=0 ID=31473 SEQ=0 ");
        Assert.Equal(48056u, p.IpId);
        Assert.Equal(8, p.IcmpType);
    }

    [Fact]
    public void Icmpv6_sctp_udplite_and_numeric_protocols_are_parsed()
    {
        var v6 = Parse("IN=eth0 OUT= SRC=2001:db8::5 DST=2001:db8::10 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=7 SEQ=1 ");
        Assert.Equal(IpProtocol.IcmpV6, v6.Protocol);
        Assert.Equal(128, v6.IcmpType);

        var sctp = Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=52 TOS=0x00 PREC=0x00 TTL=40 ID=9 PROTO=SCTP SPT=5000 DPT=3868 ");
        Assert.Equal(IpProtocol.Sctp, sctp.Protocol);
        Assert.Equal(3868, sctp.DestinationPort);

        var lite = Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=9 PROTO=UDPLITE SPT=5000 DPT=161 LEN=20 ");
        Assert.Equal(IpProtocol.UdpLite, lite.Protocol);
        Assert.Equal(40, lite.Length);

        var esp = Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=9 PROTO=ESP SPI=0x1234 ");
        Assert.Equal(IpProtocol.Esp, esp.Protocol);
        Assert.Equal(51, (int)Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=40 TTL=40 ID=9 PROTO=AH SPI=0x1 ").Protocol);

        var gre = Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=9 PROTO=47 ");
        Assert.Equal(IpProtocol.Gre, gre.Protocol);
    }

    [Fact]
    public void Every_tcp_flag_word_and_seq_ack_numbers_are_read()
    {
        var p = Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=9 PROTO=TCP SPT=1 DPT=2 SEQ=4000000000 ACK=17 WINDOW=0 RES=0x00 CWR ECE URG ACK PSH RST SYN FIN URGP=0 ");
        Assert.Equal((TcpFlags)0xFF, p.Flags);
        Assert.Equal(4_000_000_000u, p.Sequence);
        Assert.Equal(17u, p.Acknowledgment);
    }

    [Fact]
    public void Tcp_line_without_flags_is_a_null_probe()
    {
        var p = Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=9 PROTO=TCP SPT=1 DPT=2 WINDOW=1024 RES=0x00 URGP=0 ");
        Assert.Equal(TcpFlags.None, p.Flags);
    }

    [Fact]
    public void Forwarded_packet_has_unknown_direction()
    {
        var p = Parse("IN=eth0 OUT=docker0 SRC=198.51.100.7 DST=172.17.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=9 PROTO=UDP SPT=1 DPT=53 LEN=20 ");
        Assert.Equal(PacketDirection.Unknown, p.Direction);
    }

    [Fact]
    public void Later_fragment_and_incomplete_lines_need_no_ports()
    {
        var frag = Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=9 FRAG:185 PROTO=UDP ");
        Assert.Equal(0, frag.DestinationPort);
        var incomplete = Parse("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=40 TOS=0x00 PREC=0x00 TTL=40 ID=9 PROTO=TCP INCOMPLETE [12 bytes] ");
        Assert.Equal(IpProtocol.Tcp, incomplete.Protocol);
    }

    [Fact]
    public void Lines_without_IN_are_not_packet_lines_and_not_errors()
    {
        var packet = default(PacketEvent);
        var parser = new KernelLogLineParser(Utc2026);
        Assert.False(parser.TryParse("Nov 25 16:30:01 srv sshd[123]: Accepted publickey for admin"u8, ref packet, out var error));
        Assert.Null(error);
        Assert.False(parser.TryParse("PHYSIN=eth0 LOGIN=x"u8, ref packet, out error));
        Assert.Null(error);
        Assert.False(parser.TryParse(""u8, ref packet, out error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("IN=eth0 OUT= SRC=999.1.2.3 DST=203.0.113.10 PROTO=TCP SPT=1 DPT=2 URGP=0", "SRC")]
    [InlineData("IN=eth0 OUT= SRC=2001:db8:::5 DST=203.0.113.10 PROTO=TCP SPT=1 DPT=2 URGP=0", "SRC")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113 PROTO=TCP SPT=1 DPT=2 URGP=0", "DST")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=TCP SPT=x DPT=2 URGP=0", "SPT")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=TCP SPT=1 DPT=99999 URGP=0", "DPT")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 TTL=300 PROTO=TCP SPT=1 DPT=2 URGP=0", "TTL")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=BOGUS", "PROTO")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=44 TTL=4", "PROTO=")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=TCP SPT=40000 DP", "DPT=")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SY", "URGP=")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=UDP SPT=40000", "DPT=")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=ICMP", "TYPE=")]
    [InlineData("IN=eth0 OUT= DST=203.0.113.10 PROTO=ICMP TYPE=8", "SRC=")]
    [InlineData("IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=TCP SPT=1 DPT=2 URGP=0 OPT (0204ZZ)", "OPT")]
    [InlineData("Nov 31 16:30:01 srv kernel: IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=ICMP TYPE=8", "timestamp")]
    [InlineData("2026-13-25T16:32:36Z host kernel: IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=ICMP TYPE=8", "timestamp")]
    public void Bad_values_and_half_lines_name_the_field(string line, string field) =>
        Assert.Contains(field, Fails(line), StringComparison.Ordinal);

    [Fact]
    public void Char_overload_parses_like_the_byte_one()
    {
        var packet = default(PacketEvent);
        Assert.True(new KernelLogLineParser(Utc2026).TryParse(("Nov 25 16:30:02 srv kernel: DROP " + Syn).AsSpan(), ref packet, out _));
        Assert.Equal(22, packet.DestinationPort);
    }
}
