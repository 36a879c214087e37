using System.Text.Json;
using PortVeil.Core;
using PortVeil.TestSupport;

namespace PortVeil.Sensors.Tests.Support;

/// <summary>The parts of a corpus *.truth.json the sensor tests check against.</summary>
internal sealed record CorpusTruth(long TotalPackets, long NonIpPackets, IReadOnlyList<TruthScanner> Scanners, IReadOnlyList<string> Benign)
{
    public static CorpusTruth For(string captureFile)
    {
        var name = Path.GetFileNameWithoutExtension(captureFile);
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.CorpusFile(name + ".truth.json")));
        var root = doc.RootElement;
        var scanners = new List<TruthScanner>();
        foreach (var s in root.GetProperty("scanners").EnumerateArray())
        {
            var tcpPorts = s.TryGetProperty("tcp_ports_probed", out var t) ? t.GetInt32() : 0;
            var udpPorts = s.TryGetProperty("udp_ports_probed", out var u) ? u.GetInt32() : 0;
            var flags = new List<string>();
            if (s.TryGetProperty("tcp_flags_sent", out var f))
            {
                foreach (var p in f.EnumerateObject())
                {
                    flags.Add(p.Name);
                }
            }

            scanners.Add(new TruthScanner(NetAddress.Parse(s.GetProperty("source").GetString()!), s.GetProperty("scan").GetString()!, tcpPorts, udpPorts, flags));
        }

        var benign = new List<string>();
        foreach (var b in root.GetProperty("benign").EnumerateArray())
        {
            benign.Add(b.GetString()!);
        }

        return new CorpusTruth(root.GetProperty("total_packets").GetInt64(), root.GetProperty("non_ip_packets").GetInt64(), scanners, benign);
    }

    public static IEnumerable<string> Files(string pattern) =>
        Directory.EnumerateFiles(RepoPaths.Corpus, pattern).Order(StringComparer.Ordinal);
}

/// <summary>One scanner of a truth file: its source, scan type, probed port counts and the TCP flag combos it sent ("S", "AF", …).</summary>
internal sealed record TruthScanner(NetAddress Source, string Scan, int TcpPortsProbed, int UdpPortsProbed, IReadOnlyList<string> TcpFlagsSent);
