using System.Text.Json;
using PortVeil.Core;
using PortVeil.TestSupport;

namespace PortVeil.Sensors.Tests.Support;

/// <summary>The parts of a corpus *.truth.json the sensor tests check against.</summary>
internal sealed record CorpusTruth(
    long TotalPackets, long NonIpPackets, long CaptureStartNs, long CaptureEndNs, IReadOnlyList<NetAddress> Targets, IReadOnlyList<TruthScanner> Scanners, IReadOnlyList<NetAddress> Benign)
{
    public static CorpusTruth For(string captureFile)
    {
        var name = Path.GetFileNameWithoutExtension(captureFile);
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.CorpusFile(name + ".truth.json")));
        var root = doc.RootElement;
        var scanners = new List<TruthScanner>();
        foreach (var s in root.GetProperty("scanners").EnumerateArray())
        {
            scanners.Add(new TruthScanner(
                NetAddress.Parse(s.GetProperty("source").GetString()!),
                s.GetProperty("scan").GetString()!,
                s.TryGetProperty("tcp_ports_probed", out var t) ? t.GetInt32() : 0,
                s.TryGetProperty("udp_ports_probed", out var u) ? u.GetInt32() : 0,
                Counts(s, "tcp_flags_sent"),
                Counts(s, "icmp_types_sent")));
        }

        return new CorpusTruth(
            root.GetProperty("total_packets").GetInt64(),
            root.GetProperty("non_ip_packets").GetInt64(),
            UnixNs(root.GetProperty("capture_start").GetString()!),
            UnixNs(root.GetProperty("capture_end").GetString()!),
            Addresses(root.GetProperty("targets")),
            scanners,
            Addresses(root.GetProperty("benign")));
    }

    public static IEnumerable<string> Files(string pattern) =>
        Directory.EnumerateFiles(RepoPaths.Corpus, pattern).Order(StringComparer.Ordinal);

    /// <summary>The truth tool's flag text: letters C E U A P R S F in that order, "NONE" for no flags.</summary>
    public static string FlagText(TcpFlags flags)
    {
        var text = "";
        foreach (var (bit, letter) in new[] { (TcpFlags.Cwr, 'C'), (TcpFlags.Ece, 'E'), (TcpFlags.Urg, 'U'), (TcpFlags.Ack, 'A'), (TcpFlags.Psh, 'P'), (TcpFlags.Rst, 'R'), (TcpFlags.Syn, 'S'), (TcpFlags.Fin, 'F') })
        {
            if ((flags & bit) != 0)
            {
                text += letter;
            }
        }

        return text.Length == 0 ? "NONE" : text;
    }

    private static long UnixNs(string iso) =>
        (DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static Dictionary<string, int> Counts(JsonElement scanner, string property)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (scanner.TryGetProperty(property, out var o))
        {
            foreach (var p in o.EnumerateObject())
            {
                counts[p.Name] = p.Value.GetInt32();
            }
        }

        return counts;
    }

    private static List<NetAddress> Addresses(JsonElement array)
    {
        var list = new List<NetAddress>();
        foreach (var a in array.EnumerateArray())
        {
            list.Add(NetAddress.Parse(a.GetString()!));
        }

        return list;
    }
}
