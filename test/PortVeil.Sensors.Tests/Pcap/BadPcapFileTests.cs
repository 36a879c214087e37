using PortVeil.Core;
using PortVeil.Sensors.Pcap;
using PortVeil.TestSupport;

namespace PortVeil.Sensors.Tests.Pcap;

/// <summary>Every broken file in corpus/bad gives its own clear error, with file, record and offset, and no exception.</summary>
public class BadPcapFileTests
{
    private static (PcapReader Reader, List<PacketEvent> Events, ParseError Error) Read(string name)
    {
        var path = Path.Combine(RepoPaths.Corpus, "bad", name);
        var reader = new PcapReader(path);
        var events = PcapReaderTests.ReadAll(reader);
        Assert.Equal(1, reader.Errors.Count);
        var error = Assert.Single(reader.Errors.Kept);
        Assert.Equal(path, error.Source);
        Assert.Contains(name, error.ToString(), StringComparison.Ordinal);
        Assert.False(reader.TryRead(out _)); // stays ended
        return (reader, events, error);
    }

    [Fact]
    public void Empty_file_says_it_is_empty()
    {
        var (reader, events, error) = Read("empty.pcap");
        using var _ = reader;
        Assert.Empty(events);
        Assert.True(reader.Failed);
        Assert.Equal(0, error.Record);
        Assert.Equal(0, error.Offset);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_file_header_says_how_many_bytes_there_were()
    {
        var (reader, events, error) = Read("truncated_header.pcap");
        using var _ = reader;
        Assert.Empty(events);
        Assert.Equal(0, error.Record);
        Assert.Contains("truncated file header: 20 of 24 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_incl_len_stops_at_that_record_after_the_good_ones()
    {
        var (reader, events, error) = Read("huge_incl_len.pcap");
        using var _ = reader;

        // The two records before the damage are ARP frames: read, and counted as non-IP.
        Assert.Equal(2, reader.Skipped);
        Assert.Empty(events);
        Assert.Equal(3, error.Record);
        Assert.Equal(140, error.Offset);
        Assert.Contains("2147483647", error.Message, StringComparison.Ordinal);
        Assert.True(reader.Failed);
    }

    [Fact]
    public void Truncated_mid_record_returns_every_whole_record_then_names_the_cut_one()
    {
        var (reader, events, error) = Read("truncated_mid_record.pcap");
        using var _ = reader;
        Assert.Equal(673, reader.Records - 1);
        Assert.Equal(673, events.Count + reader.Skipped);
        Assert.Equal(674, error.Record);
        Assert.Equal(49940, error.Offset);
        Assert.Contains("truncated record: its header says 54 bytes, the file ends after 44", error.Message, StringComparison.Ordinal);
        Assert.False(reader.Failed);
    }

    [Fact]
    public void Lying_ip_header_file_is_read_to_its_cut_end()
    {
        // This file's altered byte sits in an ARP frame (EtherType 0806), so the frame is non-IP, not an IP error;
        // hand-built lying IPv4 headers are covered in PcapReaderTests. The file also ends 6 bytes into a record header.
        var (reader, events, error) = Read("lying_ip_header.pcap");
        using var _ = reader;
        Assert.True(events.Count > 300);
        Assert.Equal(397, error.Record);
        Assert.Equal(29994, error.Offset);
        Assert.Contains("truncated record header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_report_the_magic_found_and_the_magic_expected()
    {
        var (reader, events, error) = Read("random_bytes.pcap");
        using var _ = reader;
        Assert.Empty(events);
        Assert.True(reader.Failed);
        Assert.Equal(0, error.Offset);
        Assert.Contains("b1633691", error.Message, StringComparison.Ordinal);
        Assert.Contains("a1b2c3d4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_magic_reports_the_magic_found()
    {
        var (reader, events, error) = Read("wrong_magic.pcap");
        using var _ = reader;
        Assert.Empty(events);
        Assert.Contains("not a pcap file: magic bytes 00112233", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_magic_hints_at_pcapng_and_text()
    {
        using var ng = new PcapReader(RepoPaths.CorpusFile("s02_nmap_connect.pcapng"));
        Assert.Contains("pcapng", Assert.Single(ng.Errors.Kept).Message, StringComparison.Ordinal);
        using var text = new PcapReader(RepoPaths.CorpusFile("s01_nmap_syn_top1000_klog.log"));
        Assert.Contains("text", Assert.Single(text.Errors.Kept).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_link_type_names_the_number_once()
    {
        var (reader, events, error) = Read("unknown_linktype.pcap");
        using var _ = reader;
        Assert.Empty(events);
        Assert.True(reader.Failed);
        Assert.Equal(0, reader.Records);
        Assert.Contains("unknown link type 147", error.Message, StringComparison.Ordinal);
    }
}
