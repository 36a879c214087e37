using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using PortVeil.Sensors.Pcap;
using PortVeil.TestSupport;

namespace PortVeil.Benchmarks.Sensors;

/// <summary>
/// Reading the largest corpus capture (s10, 9.4 MB, nmap -p- at -T5) end to end, and the IP decoder alone.
/// Compare <see cref="Read_s10_pcap"/> with `tcpdump -r s10_nmap_syn_allports.pcap -w /dev/null` (goal ≥ 0.5×).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PcapReaderBenchmarks
{
    private static readonly string S10 = RepoPaths.CorpusFile("s10_nmap_syn_allports.pcap");
    private static readonly string S02Ng = RepoPaths.CorpusFile("s02_nmap_connect.pcapng");
    private byte[][] _ipPackets = [];

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new EventsPerSecondColumn(CountEvents));
    }

    [GlobalSetup]
    public void Setup()
    {
        // The IP packets of s10, in memory, for the decoder-only benchmark.
        var raw = File.ReadAllBytes(S10);
        var list = new List<byte[]>();
        var offset = 24;
        while (offset + 16 <= raw.Length)
        {
            var incl = BitConverter.ToInt32(raw, offset + 8);
            if (LinkLayer.Ethernet(raw.AsSpan(offset + 16, incl), out var ip, out _) == LinkDecodeResult.Ip)
            {
                list.Add(ip.ToArray());
            }

            offset += 16 + incl;
        }

        _ipPackets = [.. list];
    }

    [Benchmark]
    public long Read_s10_pcap()
    {
        using var reader = new PcapReader(S10);
        long sum = 0;
        while (reader.TryRead(out var packet))
        {
            sum += packet.DestinationPort;
        }

        return sum;
    }

    [Benchmark]
    public long Read_s02_pcapng()
    {
        using var reader = new PcapNgReader(S02Ng);
        long sum = 0;
        while (reader.TryRead(out var packet))
        {
            sum += packet.DestinationPort;
        }

        return sum;
    }

    [Benchmark]
    public long Decode_s10_ip_packets()
    {
        long sum = 0;
        var packet = default(PacketEvent);
        foreach (var ip in _ipPackets)
        {
            if (IpPacketDecoder.TryDecode(ip, ref packet, out _))
            {
                sum += packet.DestinationPort;
            }
        }

        return sum;
    }

    private static long CountEvents(string method)
    {
        using EventCounter reader = method switch
        {
            nameof(Read_s02_pcapng) => new EventCounter(new PcapNgReader(S02Ng)),
            _ => new EventCounter(new PcapReader(S10)),
        };
        return reader.Count();
    }

    /// <summary>Counts a source's events once, in the host process.</summary>
    private sealed class EventCounter(IPacketSource source) : IDisposable
    {
        public long Count()
        {
            long n = 0;
            while (source.TryRead(out _))
            {
                n++;
            }

            return n;
        }

        public void Dispose() => source.Dispose();
    }
}
