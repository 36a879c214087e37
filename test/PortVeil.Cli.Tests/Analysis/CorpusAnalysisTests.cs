using PortVeil.Cli.Analysis;
using PortVeil.Core;

namespace PortVeil.Cli.Tests.Analysis;

/// <summary>
/// analyze against every real capture and kernel log in shared/corpus, judged by its ground truth: every scanner
/// found with the right scan type, tool and exposure; no benign source flagged.
/// </summary>
public class CorpusAnalysisTests
{
    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var t in CorpusTruth.All())
        {
            data.Add(Path.GetFileName(t.InputFile));
        }

        return data;
    }

    private static (CorpusTruth Truth, FileAnalysis Result) Run(string name, bool tellServed = true)
    {
        var truth = CorpusTruth.All().Single(t => Path.GetFileName(t.InputFile) == name);
        var served = new List<PortSpec>();
        if (truth.IsKernelLog && tellServed)
        {
            // A kernel log holds only inbound packets: what is open must be told, as a user would with --served.
            Assert.True(PortSpec.TryParseList(CorpusTruth.LabServedPorts, served, out _));
        }

        var result = new CaptureAnalyzer(served, []).Analyze(truth.InputFile);
        Assert.Null(result.FatalError);
        Assert.Equal(0, result.Errors.Count);
        return (truth, result);
    }

    public static TheoryData<string> KernelLogs()
    {
        var data = new TheoryData<string>();
        foreach (var t in CorpusTruth.All().Where(t => t.IsKernelLog))
        {
            data.Add(Path.GetFileName(t.InputFile));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KernelLogs))]
    public void A_kernel_log_without_served_ports_still_finds_every_scanner_and_flags_no_guest(string input)
    {
        var (truth, result) = Run(input, tellServed: false);
        Assert.NotNull(result.InferredServed);
        var flagged = result.Scanners.Select(s => s.SourceText).ToHashSet(StringComparer.Ordinal);
        foreach (var scanner in truth.Scanners)
        {
            Assert.Contains(scanner.Source, flagged);
        }

        foreach (var benign in truth.Benign)
        {
            Assert.DoesNotContain(benign, flagged);
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_scanner_is_found_and_no_benign_source_is_flagged(string input)
    {
        var (truth, result) = Run(input);
        var flagged = result.Scanners.Select(s => s.SourceText).ToHashSet(StringComparer.Ordinal);
        foreach (var scanner in truth.Scanners)
        {
            Assert.Contains(scanner.Source, flagged);
        }

        foreach (var benign in truth.Benign)
        {
            Assert.DoesNotContain(benign, flagged);
        }

        // A capture holds exactly the lab's traffic, so nothing else may be flagged. A kernel log was cut from the
        // host's ring buffer and also holds lines from neighbouring lab runs (e.g. s03's log ends with s01's nmap
        // probes from 198.51.100.7; s07's holds a one-port-per-address nmap sweep from 192.0.2.166-175): those
        // sources are not in the truth at all, they really scanned 203.0.113.10, and flagging them is right.
        var extra = flagged.Except(truth.Scanners.Select(s => s.Source)).Order(StringComparer.Ordinal).ToList();
        if (truth.IsKernelLog)
        {
            foreach (var source in extra)
            {
                Assert.DoesNotContain(source, truth.Benign);
                Assert.True(AbsentFromPairedCapture(truth, source), $"{source} is flagged in {input} and also sent traffic in the paired capture");
            }
        }
        else
        {
            Assert.Empty(extra);
        }
    }

    /// <summary>True when the paired .pcap of a kernel log (same name) holds no packet from <paramref name="source"/>.</summary>
    private static bool AbsentFromPairedCapture(CorpusTruth truth, string source)
    {
        var pcap = Path.ChangeExtension(truth.InputFile, ".pcap");
        if (!File.Exists(pcap))
        {
            return true;
        }

        var address = NetAddress.Parse(source);
        using var reader = PortVeil.Sensors.CaptureFile.Open(pcap);
        while (reader.TryRead(out var p))
        {
            if (p.Source == address)
            {
                return false;
            }
        }

        return true;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Each_scanner_has_the_scan_type_and_tool_of_the_truth(string input)
    {
        var (truth, result) = Run(input);
        foreach (var t in truth.Scanners)
        {
            var found = result.Scanners.SingleOrDefault(s => s.SourceText == t.Source);
            Assert.True(found is not null, $"{t.Source} not found in {input}");
            Assert.Equal(t.Scan, ScanNames.Of(found.Scan));
            if (t.Tool is not null)
            {
                // The truth names the tool with its version ("nmap 7.93", "hping3 3.0.0-alpha-2"); we name the tool.
                var tool = ScanNames.Of(found.Tool);
                Assert.True(t.Tool.StartsWith(tool, StringComparison.OrdinalIgnoreCase), $"{t.Source}: tool {tool}, truth {t.Tool}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Each_scanner_reports_the_open_ports_it_learned_and_the_ports_it_probed(string input)
    {
        var (truth, result) = Run(input);
        foreach (var t in truth.Scanners)
        {
            var found = result.Scanners.Single(s => s.SourceText == t.Source);
            Assert.Equal(t.OpenPorts, found.ExposedPorts);
            Assert.Equal(t.PortsProbed, found.PortsProbed.Count);
        }
    }
}
