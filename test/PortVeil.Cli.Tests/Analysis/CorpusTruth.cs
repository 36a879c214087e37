using System.Text.Json;
using PortVeil.TestSupport;

namespace PortVeil.Cli.Tests.Analysis;

/// <summary>A corpus input and its ground truth (shared/corpus/NAME.truth.json).</summary>
public sealed record CorpusTruth(string InputFile, string Capture, IReadOnlyList<TruthScanner> Scanners, IReadOnlyList<string> Benign)
{
    /// <summary>Ports the lab's server listened on (MANIFEST.md), for inputs that hold no server replies.</summary>
    public const string LabServedPorts = "22,25,443,8080,8443,31337,udp/53";

    public bool IsKernelLog => InputFile.EndsWith(".log", StringComparison.Ordinal);

    public override string ToString() => Path.GetFileName(InputFile);

    /// <summary>Every corpus input (pcap, pcapng, kernel log) that has a truth file.</summary>
    public static IEnumerable<CorpusTruth> All()
    {
        foreach (var input in Directory.EnumerateFiles(RepoPaths.Corpus).Order(StringComparer.Ordinal))
        {
            var ext = Path.GetExtension(input);
            if (ext is not (".pcap" or ".pcapng" or ".log"))
            {
                continue;
            }

            var truthPath = Path.Combine(RepoPaths.Corpus, Path.GetFileNameWithoutExtension(input) + ".truth.json");
            if (!File.Exists(truthPath))
            {
                // s01_nmap_syn_top1000_klog.log shares s01_nmap_syn_top1000_klog.truth.json: same stem.
                continue;
            }

            yield return Load(input, truthPath);
        }
    }

    private static CorpusTruth Load(string input, string truthPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(truthPath));
        var root = doc.RootElement;
        var scanners = new List<TruthScanner>();
        foreach (var s in root.GetProperty("scanners").EnumerateArray())
        {
            scanners.Add(new TruthScanner(
                s.GetProperty("source").GetString()!,
                s.GetProperty("scan").GetString()!,
                s.TryGetProperty("tool", out var tool) ? tool.GetString() : null,
                s.GetProperty("ports_probed").GetInt32(),
                [.. s.GetProperty("open_ports").EnumerateArray().Select(p => (ushort)p.GetInt32())]));
        }

        var benign = root.GetProperty("benign").EnumerateArray().Select(b => b.GetString()!).ToList();
        return new CorpusTruth(input, root.GetProperty("capture").GetString()!, scanners, benign);
    }
}

public sealed record TruthScanner(string Source, string Scan, string? Tool, int PortsProbed, IReadOnlyList<ushort> OpenPorts);
