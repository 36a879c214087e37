using PortVeil.Sensors.KernelLog;
using PortVeil.Sensors.Tests.Pcap;
using PortVeil.Sensors.Tests.Support;
using PortVeil.TestSupport;

namespace PortVeil.Sensors.Tests;

public class CaptureFileTests
{
    [Theory]
    [InlineData("s01_nmap_syn_top1000.pcap", CaptureFormat.Pcap)]
    [InlineData("s04_nmap_null_bigendian_ns.pcap", CaptureFormat.Pcap)]
    [InlineData("s02_nmap_connect.pcapng", CaptureFormat.PcapNg)]
    [InlineData("s06_nmap_udp_top50_klog.log", CaptureFormat.KernelLog)]
    public void Content_decides_the_reader_and_it_reads_the_whole_file(string file, CaptureFormat format)
    {
        var path = RepoPaths.CorpusFile(file);
        Assert.Equal(format, CaptureFile.Sniff(path));
        using var source = CaptureFile.Open(path, new KernelLogOptions { Year = 2026, TimeZone = TimeZoneInfo.Utc });
        Assert.Equal(format, source.Format);
        Assert.Equal(path, source.Name);
        var events = PcapReaderTests.ReadAll(source);
        Assert.Equal(0, source.Errors.Count);
        Assert.Equal(events.Count, source.Packets);
        Assert.Equal(new FileInfo(path).Length, source.TotalBytes);
        Assert.Equal(source.TotalBytes, source.BytesRead);
        if (format != CaptureFormat.KernelLog)
        {
            var truth = CorpusTruth.For(file);
            Assert.Equal(truth.TotalPackets - truth.NonIpPackets, events.Count);
        }
    }

    [Theory]
    [InlineData("empty.pcap", "empty file")]
    [InlineData("truncated_header.pcap", "truncated file header")]
    [InlineData("huge_incl_len.pcap", "2147483647")]
    [InlineData("lying_ip_header.pcap", "truncated record header")]
    [InlineData("random_bytes.pcap", "starts with bytes b1633691")]
    [InlineData("truncated_mid_record.pcap", "truncated record")]
    [InlineData("unknown_linktype.pcap", "unknown link type 147")]
    [InlineData("wrong_magic.pcap", "starts with bytes 0011223302000400")]
    [InlineData("half_and_garbage_lines.log", "PROTO=")]
    public void Every_bad_file_gives_its_error_with_the_file_name_and_no_exception(string file, string expected)
    {
        var path = Path.Combine(RepoPaths.Corpus, "bad", file);
        using var source = CaptureFile.Open(path);
        PcapReaderTests.ReadAll(source);
        Assert.True(source.Errors.Count > 0);
        var first = source.Errors.Kept[0];
        Assert.Equal(path, first.Source);
        Assert.True(first.Record >= 0);
        Assert.True(first.Offset >= 0);
        Assert.Contains(expected, first.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_an_io_exception_not_a_parse_error() =>
        Assert.Throws<FileNotFoundException>(() => CaptureFile.Open(Path.Combine(RepoPaths.Corpus, "no-such-file.pcap")));
}
