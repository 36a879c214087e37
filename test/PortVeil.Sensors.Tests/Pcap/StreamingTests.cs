using PortVeil.Core;
using PortVeil.Sensors.KernelLog;
using PortVeil.Sensors.Pcap;
using PortVeil.Sensors.Tests.Support;
using PortVeil.TestSupport;

namespace PortVeil.Sensors.Tests.Pcap;

/// <summary>Readers fed through a slow, non-seekable pipe give exactly what they give from the file.</summary>
public class StreamingTests
{
    private static void SameEvents(IOfflinePacketSource fromFile, IOfflinePacketSource fromPipe)
    {
        var a = PcapReaderTests.ReadAll(fromFile);
        var b = PcapReaderTests.ReadAll(fromPipe);
        Assert.Equal(-1, fromPipe.TotalBytes);
        Assert.Equal(fromFile.BytesRead, fromPipe.BytesRead);
        Assert.Equal(fromFile.Errors.Count, fromPipe.Errors.Count);
        Assert.Equal(fromFile.Skipped, fromPipe.Skipped);
        Assert.Equal(a.Count, b.Count);
        Assert.NotEmpty(a);
        for (var i = 0; i < a.Count; i++)
        {
            EventAssert.Equal(a[i], b[i]);
        }
    }

    [Theory]
    [InlineData("s01_nmap_syn_top1000.pcap")]
    [InlineData("s04_nmap_null_bigendian_ns.pcap")]
    [InlineData("bad/truncated_mid_record.pcap")]
    public void Pcap_from_a_trickling_pipe_equals_pcap_from_the_file(string file)
    {
        var path = Path.Combine(RepoPaths.Corpus, file);
        using var fromFile = new PcapReader(path);
        using var fromPipe = new PcapReader(new TrickleStream(File.ReadAllBytes(path), 7), path);
        SameEvents(fromFile, fromPipe);
    }

    [Fact]
    public void Pcapng_from_a_trickling_pipe_equals_pcapng_from_the_file()
    {
        var path = RepoPaths.CorpusFile("s02_nmap_connect.pcapng");
        using var fromFile = new PcapNgReader(path);
        using var fromPipe = new PcapNgReader(new TrickleStream(File.ReadAllBytes(path), 5), path);
        SameEvents(fromFile, fromPipe);
    }

    [Fact]
    public void Kernel_log_from_a_trickling_pipe_equals_the_log_from_the_file()
    {
        var options = new KernelLogOptions { Year = 2026, TimeZone = TimeZoneInfo.Utc };
        var path = RepoPaths.CorpusFile("s06_nmap_udp_top50_klog.log");
        using var fromFile = new KernelLogReader(path, options);
        using var fromPipe = new KernelLogReader(new TrickleStream(File.ReadAllBytes(path), 11), path, options: options);
        SameEvents(fromFile, fromPipe);
    }

    [Fact]
    public void Pcapng_skips_unknown_blocks_on_a_pipe_by_reading_past_them()
    {
        var syn = PacketBuilder.Ethernet(0x0800, PacketBuilder.IPv4("198.51.100.7", "203.0.113.10", IpProtocol.Tcp, PacketBuilder.Tcp(1, 22, TcpFlags.Syn)));
        var bytes = new PcapNgFileBuilder().Section().Interface(1).Block(0x40000BAD, new byte[3000]).Enhanced(0, 1, syn).ToArray();
        using var reader = new PcapNgReader(new TrickleStream(bytes, 3), "pipe");
        Assert.Single(PcapReaderTests.ReadAll(reader));
        Assert.Equal(0, reader.Errors.Count);
    }
}
