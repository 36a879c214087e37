using CsCheck;
using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using PortVeil.Sensors.KernelLog;
using PortVeil.Sensors.Pcap;
using PortVeil.TestSupport;

namespace PortVeil.Sensors.Tests.Properties;

/// <summary>
/// Random and mutated input never makes a parser throw, hang or lose count of its errors. Iterations are bounded
/// so the whole class runs in a few seconds on a shared 2-core machine.
/// </summary>
public class NeverThrowsProperties
{
    private static readonly byte[] PcapBytes = File.ReadAllBytes(RepoPaths.CorpusFile("s01_nmap_syn_top1000.pcap"));
    private static readonly byte[] PcapNgBytes = File.ReadAllBytes(RepoPaths.CorpusFile("s02_nmap_connect.pcapng"));
    private static readonly byte[] LogBytes = File.ReadAllBytes(RepoPaths.CorpusFile("s06_nmap_udp_top50_klog.log"));
    private static readonly KernelLogOptions Utc2026 = new() { Year = 2026, TimeZone = TimeZoneInfo.Utc };

    private static readonly LinkType[] LinkTypes =
        [LinkType.Null, LinkType.Ethernet, LinkType.Raw, LinkType.Loop, LinkType.LinuxSll, LinkType.IPv4, LinkType.IPv6, LinkType.Nflog, LinkType.LinuxSll2];

    /// <summary>A prefix of <paramref name="source"/> up to 16 KiB long, with up to 24 bits flipped.</summary>
    private static Gen<byte[]> Mutated(byte[] source) =>
        Gen.Select(Gen.Int[0, Math.Min(source.Length, 16 * 1024)], Gen.Int[0, int.MaxValue].Array[0, 24], (length, flips) =>
        {
            var bytes = source.AsSpan(0, length).ToArray();
            foreach (var f in flips)
            {
                if (bytes.Length > 0)
                {
                    bytes[f % bytes.Length] ^= (byte)(1 << (f >> 28 & 7));
                }
            }

            return bytes;
        });

    private static void ReadToEnd(IOfflinePacketSource source)
    {
        var reads = 0L;
        while (source.TryRead(out _))
        {
            reads++;
            Assert.True(reads <= source.Records, "more packets than records");
        }

        Assert.Equal(reads, source.Packets);
        Assert.False(source.TryRead(out _));
        Assert.True(source.BytesRead <= source.TotalBytes);
        if (source.Failed)
        {
            Assert.True(source.Errors.Count > 0, "failed without saying why");
        }

        Assert.All(source.Errors.Kept, e => Assert.False(string.IsNullOrEmpty(e.Message)));
    }

    [Fact]
    public void Decoder_never_throws_on_random_bytes_that_claim_ipv4_or_ipv6() =>
        Fuzz.Run(Gen.Select(Gen.Byte.Array[0, 160], Gen.Bool), (bytes, v6) =>
        {
            if (bytes.Length > 0)
            {
                bytes[0] = (byte)((v6 ? 0x60 : 0x40) | (bytes[0] & 0x0F));
            }

            var packet = default(PacketEvent);
            var ok = IpPacketDecoder.TryDecode(bytes, ref packet, out var error);
            Assert.Equal(ok, error is null);
        }, 20_000);

    [Fact]
    public void Decoder_never_throws_on_mutated_real_packets()
    {
        // The IP packets of the first 200 IP records of a real capture (little-endian pcap, Ethernet).
        var frames = new List<byte[]>();
        var raw = File.ReadAllBytes(RepoPaths.CorpusFile("s06_nmap_udp_top50.pcap"));
        var offset = 24;
        while (offset + 16 <= raw.Length && frames.Count < 200)
        {
            var incl = BitConverter.ToInt32(raw, offset + 8);
            if (LinkLayer.Ethernet(raw.AsSpan(offset + 16, incl), out var ip, out _) == LinkDecodeResult.Ip)
            {
                frames.Add(ip.ToArray());
            }

            offset += 16 + incl;
        }

        Fuzz.Run(Gen.Select(Gen.Int[0, frames.Count - 1], Gen.Int[0, int.MaxValue].Array[1, 8], Gen.Int[0, 200]), (index, flips, cut) =>
        {
            var bytes = (byte[])frames[index].Clone();
            foreach (var f in flips)
            {
                bytes[f % bytes.Length] ^= (byte)(1 << (f >> 28 & 7));
            }

            var packet = default(PacketEvent);
            IpPacketDecoder.TryDecode(bytes.AsSpan(0, Math.Min(cut, bytes.Length)), ref packet, out _);
        }, 20_000);
    }

    [Fact]
    public void Link_layer_and_option_walker_never_throw_on_random_bytes() =>
        Fuzz.Run(Gen.Select(Gen.Byte.Array[0, 120], Gen.Int[0, LinkTypes.Length - 1], Gen.Bool), (bytes, type, little) =>
        {
            var result = LinkLayer.TryGetIpPacket(LinkTypes[type], bytes, little, out var ip, out var error);
            Assert.Equal(result == LinkDecodeResult.Malformed, error is not null);
            Assert.True(ip.Length <= bytes.Length);
            TcpOptionWalker.Walk(bytes.AsSpan(0, Math.Min(bytes.Length, 40)), little);
        }, 20_000);

    [Fact]
    public void Pcap_reader_survives_random_and_mutated_files()
    {
        Fuzz.Run(Gen.Byte.Array[0, 2048], bytes =>
        {
            // Half of the random files get a valid header so the record framing is exercised too.
            if (bytes.Length >= 24 && (bytes[5] & 1) == 0)
            {
                PcapBytes.AsSpan(0, 24).CopyTo(bytes);
            }

            using var reader = new PcapReader(new MemoryStream(bytes), "random.pcap");
            ReadToEnd(reader);
        }, 2_000);

        Fuzz.Run(Mutated(PcapBytes), bytes =>
        {
            using var reader = new PcapReader(new MemoryStream(bytes), "mutated.pcap");
            ReadToEnd(reader);
        }, 500);
    }

    [Fact]
    public void Pcapng_reader_survives_mutated_files() =>
        Fuzz.Run(Mutated(PcapNgBytes), bytes =>
        {
            using var reader = new PcapNgReader(new MemoryStream(bytes), "mutated.pcapng");
            ReadToEnd(reader);
        }, 500);

    [Fact]
    public void Kernel_log_reader_survives_mutated_and_random_text()
    {
        Fuzz.Run(Mutated(LogBytes), bytes =>
        {
            using var reader = new KernelLogReader(new MemoryStream(bytes), "mutated.log", options: Utc2026);
            ReadToEnd(reader);
        }, 300);

        var line = System.Text.Encoding.ASCII.GetBytes(File.ReadLines(RepoPaths.CorpusFile("s06_nmap_udp_top50_klog.log")).First());
        Fuzz.Run(Gen.Select(Gen.Int[0, line.Length], Gen.Select(Gen.Int[0, line.Length - 1], Gen.Byte).Array[0, 12]), (cut, edits) =>
        {
            var bytes = (byte[])line.Clone();
            foreach (var (at, value) in edits)
            {
                bytes[at] = value;
            }

            var packet = default(PacketEvent);
            var parser = new KernelLogLineParser(Utc2026);
            if (!parser.TryParse(bytes.AsSpan(0, cut), ref packet, out var error))
            {
                Assert.True(error is null || error.Length > 0);
            }
        }, 20_000);
    }

    [Fact]
    public void Capture_file_sniffing_survives_any_first_bytes()
    {
        var dir = Directory.CreateTempSubdirectory("portveil-sniff-");
        try
        {
            var path = Path.Combine(dir.FullName, "input");
            Fuzz.Run(Gen.Byte.Array[0, 600], bytes =>
            {
                File.WriteAllBytes(path, bytes);
                using var source = CaptureFile.Open(path, Utc2026);
                ReadToEnd(source);
            }, 300);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
