using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using PortVeil.Sensors.Pcap;
using PortVeil.Sensors.Tests.Support;
using PortVeil.TestSupport;
using static PortVeil.Sensors.Tests.Support.PacketBuilder;

namespace PortVeil.Sensors.Tests.Pcap;

public class PcapReaderTests
{
    public static TheoryData<string> CorpusPcaps()
    {
        var data = new TheoryData<string>();
        foreach (var f in CorpusTruth.Files("*.pcap"))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    internal static List<PacketEvent> ReadAll(IPacketSource source)
    {
        var list = new List<PacketEvent>();
        while (source.TryRead(out var p))
        {
            list.Add(p);
        }

        return list;
    }

    [Theory]
    [MemberData(nameof(CorpusPcaps))]
    public void Every_corpus_pcap_parses_without_errors_and_counts_match_the_truth(string file)
    {
        var truth = CorpusTruth.For(file);
        using var reader = new PcapReader(RepoPaths.CorpusFile(file));
        var events = ReadAll(reader);

        Assert.Empty(reader.Errors.Kept);
        Assert.Equal(0, reader.Errors.Count);
        Assert.False(reader.Failed);
        Assert.Equal(truth.TotalPackets - truth.NonIpPackets, events.Count);
        Assert.Equal(events.Count, reader.Packets);
        Assert.Equal(truth.NonIpPackets, reader.Skipped);
        Assert.Equal(truth.TotalPackets, reader.Records);
        Assert.Equal(reader.TotalBytes, reader.BytesRead);
        Assert.All(events, e => Assert.NotEqual(IpFamily.Unknown, e.Family));
    }

    [Theory]
    [MemberData(nameof(CorpusPcaps))]
    public void Every_scanner_in_a_corpus_pcap_sent_exactly_the_ports_flags_and_icmp_types_of_the_truth(string file)
    {
        var truth = CorpusTruth.For(file);
        using var reader = new PcapReader(RepoPaths.CorpusFile(file));
        var events = ReadAll(reader);
        foreach (var scanner in truth.Scanners)
        {
            var stats = ScannerStats.Of(events, scanner.Source, truth.Targets);
            Assert.Equal(scanner.TcpPortsProbed, stats.TcpPorts.Count);
            Assert.Equal(scanner.UdpPortsProbed, stats.UdpPorts.Count);
            Assert.Equal(scanner.TcpFlagsSent.OrderBy(p => p.Key), stats.TcpFlags.OrderBy(p => p.Key));
            Assert.Equal(scanner.IcmpTypesSent.OrderBy(p => p.Key), stats.IcmpTypes.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public void Scanner_probes_in_s01_reach_1000_distinct_ports_with_syn()
    {
        using var reader = new PcapReader(RepoPaths.CorpusFile("s01_nmap_syn_top1000.pcap"));
        var scanner = NetAddress.Parse("198.51.100.7");
        var ports = new HashSet<ushort>();
        foreach (var e in ReadAll(reader))
        {
            if (e.Source == scanner && e.IsTcpSyn && e.DestinationPort != 443)
            {
                ports.Add(e.DestinationPort);
                Assert.Equal(1460, e.Options.Mss);
                Assert.False(e.Options.SackPermitted);
            }
        }

        // 1000 scanned ports; 443 is also nmap's discovery probe, so it is left out of the count above.
        Assert.Equal(999, ports.Count);
    }

    [Fact]
    public void Big_endian_nanosecond_copy_of_s04_yields_the_same_events()
    {
        using var little = new PcapReader(RepoPaths.CorpusFile("s04_nmap_null.pcap"));
        using var big = new PcapReader(RepoPaths.CorpusFile("s04_nmap_null_bigendian_ns.pcap"));
        Assert.True(big.BigEndian);
        Assert.True(big.NanosecondResolution);
        Assert.False(little.BigEndian);
        Assert.False(little.NanosecondResolution);

        var a = ReadAll(little);
        var b = ReadAll(big);
        Assert.Equal(a.Count, b.Count);
        Assert.NotEmpty(a);
        var subMicrosecond = 0;
        for (var i = 0; i < a.Count; i++)
        {
            EventAssert.Equal(a[i], b[i], compareTime: false);

            // The rewrite kept each microsecond and added nanoseconds of its own: same instant to the microsecond.
            Assert.Equal(a[i].TimestampNs / 1000, b[i].TimestampNs / 1000);
            subMicrosecond += b[i].TimestampNs % 1000 != 0 ? 1 : 0;
        }

        Assert.True(subMicrosecond > 0, "nanosecond digits of the big-endian file were lost");
    }

    [Fact]
    public void Timestamps_come_from_the_record_header_in_nanoseconds()
    {
        var ip = IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Udp, Udp(1, 53));
        foreach (var (bigEndian, nano) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var bytes = new PcapFileBuilder(101, bigEndian, nano).Add(1_764_088_183_123_456_789, ip).ToArray();
            using var reader = new PcapReader(new MemoryStream(bytes), "built.pcap");
            Assert.True(reader.TryRead(out var p));
            Assert.Equal(nano ? 1_764_088_183_123_456_789 : 1_764_088_183_123_456_000, p.TimestampNs);
            Assert.Equal(53, p.DestinationPort);
            Assert.False(reader.TryRead(out _));
        }
    }

    [Fact]
    public void Lying_ip_header_skips_that_record_with_its_number_and_offset_and_reading_continues()
    {
        var good = Ethernet(0x0800, IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Tcp, Tcp(40000, 22, TcpFlags.Syn)));
        var lying = (byte[])good.Clone();
        lying[14] = 0x43; // IHL 3
        var bytes = new PcapFileBuilder(1).Add(1_000_000_000, good).Add(2_000_000_000, lying).Add(3_000_000_000, good).ToArray();
        using var reader = new PcapReader(new MemoryStream(bytes), "lying.pcap");

        var events = ReadAll(reader);
        Assert.Equal(2, events.Count);
        var error = Assert.Single(reader.Errors.Kept);
        Assert.Equal("lying.pcap", error.Source);
        Assert.Equal(2, error.Record);
        Assert.Equal(24 + 16 + good.Length, error.Offset);
        Assert.Contains("IHL", error.Message, StringComparison.Ordinal);
        Assert.False(reader.Failed);
    }

    [Fact]
    public void Record_longer_than_the_snaplen_is_an_error_and_the_next_record_is_read()
    {
        var frame = Ethernet(0x0800, IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Udp, Udp(1, 53, payload: 100)));
        var bytes = new PcapFileBuilder(1, snapLength: 96).Add(1, frame).Add(2, frame.AsSpan(0, 96)).ToArray();
        using var reader = new PcapReader(new MemoryStream(bytes), "snap.pcap");
        var events = ReadAll(reader);
        Assert.Single(events);
        Assert.Contains("snaplen", Assert.Single(reader.Errors.Kept).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nflog_capture_in_a_little_endian_file_is_read()
    {
        var v4 = IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Tcp, Tcp(40000, 3306, TcpFlags.Syn, options: Hex("020405B4")));
        var prefix = "pv-unserved\0"u8.ToArray();
        var frame = Concat(
            Hex("02 00 0005"),
            Hex("0800 0A00"), prefix[..4],                                                    // NFULA_PREFIX, 8 bytes
            Hex("0800 0400 00000003"),                                                       // NFULA_IFINDEX_INDEV
            [(byte)(4 + v4.Length), 0, 9, 0], v4);                                          // NFULA_PAYLOAD
        var bytes = new PcapFileBuilder(239).Add(9_000_000_000, frame).ToArray();
        using var reader = new PcapReader(new MemoryStream(bytes), "nflog.pcap");
        Assert.Equal(LinkType.Nflog, reader.LinkType);
        Assert.True(reader.TryRead(out var p));
        Assert.Equal(3306, p.DestinationPort);
        Assert.Equal(1460, p.Options.Mss);
        Assert.Equal(9_000_000_000, p.TimestampNs);
    }

    [Fact]
    public void Linux_cooked_v1_capture_skips_non_ip_frames_without_error()
    {
        var sll = new byte[16];
        sll[14] = 0x08;
        var arp = (byte[])sll.Clone();
        arp[15] = 0x06;
        var ip = IPv4("192.0.2.21", "203.0.113.10", IpProtocol.Udp, Udp(5353, 53));
        var bytes = new PcapFileBuilder(113).Add(1, Concat(arp, new byte[28])).Add(2, Concat(sll, ip)).ToArray();
        using var reader = new PcapReader(new MemoryStream(bytes), "sll.pcap");
        Assert.Single(ReadAll(reader));
        Assert.Equal(1, reader.Skipped);
        Assert.Equal(0, reader.Errors.Count);
    }

    [Fact]
    public void Linux_cooked_capture_is_read()
    {
        var sll2 = new byte[20];
        sll2[1] = 0x00;
        sll2[0] = 0x86;
        sll2[1] = 0xDD;
        var v6 = IPv6("2001:db8::5", "2001:db8::10", 6, [], Tcp(50000, 22, TcpFlags.Syn));
        var bytes = new PcapFileBuilder(276).Add(5, Concat(sll2, v6)).ToArray();
        using var reader = new PcapReader(new MemoryStream(bytes), "sll2.pcap");
        Assert.Equal(LinkType.LinuxSll2, reader.LinkType);
        Assert.True(reader.TryRead(out var p));
        Assert.Equal(IpFamily.IPv6, p.Family);
        Assert.Equal(22, p.DestinationPort);
    }
}
