using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using PortVeil.Sensors.Pcap;
using PortVeil.Sensors.Tests.Support;
using PortVeil.TestSupport;
using static PortVeil.Sensors.Tests.Support.PacketBuilder;

namespace PortVeil.Sensors.Tests.Pcap;

public class PcapNgReaderTests
{
    private static readonly byte[] Syn = Ethernet(0x0800, IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Tcp, Tcp(40000, 22, TcpFlags.Syn, options: Hex("020405B4"))));
    private static readonly byte[] Udp53 = Ethernet(0x0800, IPv4("192.0.2.21", "203.0.113.10", IpProtocol.Udp, Udp(5353, 53)));

    private static PcapNgReader Open(byte[] bytes) => new(new MemoryStream(bytes), "built.pcapng");

    [Fact]
    public void Corpus_pcapng_yields_the_same_events_as_the_pcap_across_micro_and_nanosecond_interfaces()
    {
        using var pcap = new PcapReader(RepoPaths.CorpusFile("s02_nmap_connect.pcap"));
        using var ng = new PcapNgReader(RepoPaths.CorpusFile("s02_nmap_connect.pcapng"));
        var expected = PcapReaderTests.ReadAll(pcap);
        var actual = PcapReaderTests.ReadAll(ng);

        Assert.Equal(0, ng.Errors.Count);
        Assert.Equal(2, ng.InterfaceCount);
        var truth = CorpusTruth.For("s02_nmap_connect.pcap");
        Assert.Equal(truth.TotalPackets - truth.NonIpPackets, actual.Count);
        Assert.Equal(truth.NonIpPackets, ng.Skipped);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            EventAssert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void Big_endian_sections_power_of_two_resolution_and_offsets_give_nanoseconds()
    {
        var bytes = new PcapNgFileBuilder()
            .Section(bigEndian: true)
            .Interface(1, tsResolution: 0x80 | 10, tsOffset: 100)          // 2^-10 s units, +100 s
            .Enhanced(0, (5UL << 10) + 512, Syn)                           // 5.5 s → 105.5 s
            .Section(bigEndian: false)
            .Interface(101, tsResolution: 9)                                // nanoseconds, raw IP
            .Interface(1)                                                   // default microseconds
            .Enhanced(1, 7_000_000_123, Syn)
            .Enhanced(0, 8_000_000_456, Syn[14..])
            .ToArray();
        using var reader = Open(bytes);
        var events = PcapReaderTests.ReadAll(reader);

        Assert.Equal(0, reader.Errors.Count);
        Assert.Equal(3, events.Count);
        Assert.Equal(105_500_000_000, events[0].TimestampNs);
        Assert.Equal(7_000_000_123_000, events[1].TimestampNs);
        Assert.Equal(8_000_000_456, events[2].TimestampNs);
        Assert.All(events, e => Assert.Equal(22, e.DestinationPort));
        Assert.Equal(LinkType.Raw, reader.InterfaceLinkType(0));
    }

    [Fact]
    public void Simple_packet_blocks_use_interface_zero_and_the_previous_time()
    {
        var bytes = new PcapNgFileBuilder().Section().Interface(1).Enhanced(0, 42, Syn).Simple(Udp53).ToArray();
        using var reader = Open(bytes);
        var events = PcapReaderTests.ReadAll(reader);
        Assert.Equal(2, events.Count);
        Assert.Equal(53, events[1].DestinationPort);
        Assert.Equal(42_000, events[1].TimestampNs);
    }

    [Fact]
    public void Statistics_name_resolution_and_custom_blocks_are_skipped_without_error()
    {
        var bytes = new PcapNgFileBuilder()
            .Section().Interface(1)
            .Block(4, new byte[8])           // name resolution
            .Enhanced(0, 1, Syn)
            .Block(5, new byte[12])          // interface statistics
            .Block(0x00000BAD, new byte[20]) // custom
            .Enhanced(0, 2, Udp53)
            .ToArray();
        using var reader = Open(bytes);
        Assert.Equal(2, PcapReaderTests.ReadAll(reader).Count);
        Assert.Equal(0, reader.Errors.Count);
        Assert.Equal(7, reader.Blocks);
    }

    [Fact]
    public void Garbage_block_with_a_sane_length_is_reported_and_reading_continues()
    {
        var bytes = new PcapNgFileBuilder()
            .Section().Interface(1)
            .Enhanced(0, 1, Syn)
            .Block(6, new byte[8], trailerOverride: 999) // trailing length lies
            .Block(6, new byte[12])                      // too short for an enhanced packet block's fields
            .Enhanced(7, 2, Syn)                         // interface 7 was never described
            .Enhanced(0, 3, Udp53)
            .ToArray();
        using var reader = Open(bytes);
        var events = PcapReaderTests.ReadAll(reader);
        Assert.Equal(2, events.Count);
        Assert.Equal(53, events[1].DestinationPort);
        var errors = reader.Errors.Kept;
        Assert.Equal(3, errors.Count);
        Assert.Equal(4, errors[0].Record);
        Assert.Equal(28 + 20 + 12 + 20 + Syn.Length + 2, errors[0].Offset);
        Assert.Contains("trailing length", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("shorter than its fixed fields", errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("never described", errors[2].Message, StringComparison.Ordinal);
        Assert.False(reader.Failed);
    }

    [Fact]
    public void Insane_block_length_stops_with_an_error_after_the_good_blocks()
    {
        var bytes = new PcapNgFileBuilder().Section().Interface(1).Enhanced(0, 1, Syn).Block(6, new byte[8], lengthOverride: 13).Enhanced(0, 2, Syn).ToArray();
        using var reader = Open(bytes);
        Assert.Single(PcapReaderTests.ReadAll(reader));
        var error = Assert.Single(reader.Errors.Kept);
        Assert.Equal(4, error.Record);
        Assert.Contains("length 13", error.Message, StringComparison.Ordinal);
        Assert.True(reader.Failed);
    }

    [Fact]
    public void Truncated_last_block_is_reported_with_its_offset()
    {
        var whole = new PcapNgFileBuilder().Section().Interface(1).Enhanced(0, 1, Syn).Enhanced(0, 2, Syn).ToArray();
        using var reader = Open(whole[..^10]);
        Assert.Single(PcapReaderTests.ReadAll(reader));
        var error = Assert.Single(reader.Errors.Kept);
        Assert.Equal(4, error.Record);
        Assert.Contains("truncated block", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_interface_link_type_is_reported_once_and_its_packets_skipped()
    {
        var bytes = new PcapNgFileBuilder().Section().Interface(147).Interface(1).Enhanced(0, 1, Syn).Enhanced(0, 2, Syn).Enhanced(1, 3, Syn).ToArray();
        using var reader = Open(bytes);
        Assert.Single(PcapReaderTests.ReadAll(reader));
        Assert.Contains("unknown link type 147", Assert.Single(reader.Errors.Kept).Message, StringComparison.Ordinal);
        Assert.Equal(2, reader.Skipped);
    }

    [Fact]
    public void Classic_pcap_given_to_the_pcapng_reader_gets_a_hint()
    {
        using var reader = new PcapNgReader(RepoPaths.CorpusFile("s01_nmap_syn_top1000.pcap"));
        Assert.False(reader.TryRead(out _));
        Assert.True(reader.Failed);
        Assert.Contains("classic pcap", Assert.Single(reader.Errors.Kept).Message, StringComparison.Ordinal);
    }
}
