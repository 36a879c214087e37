using System.Text.Json;
using PortVeil.TestSupport;

namespace PortVeil.Cli.Tests.Commands;

public class AnalyzeCommandTests
{
    private static string Corpus(string name) => RepoPaths.CorpusFile(name);

    [Fact]
    public void A_capture_with_a_scanner_prints_a_table_and_exits_1()
    {
        var (exit, output, _) = CliRunner.Run("analyze", Corpus("s01_nmap_syn_top1000.pcap"));
        Assert.Equal(1, exit);
        Assert.Contains("198.51.100.7", output, StringComparison.Ordinal);
        Assert.Contains("syn", output, StringComparison.Ordinal);
        Assert.Contains("nmap", output, StringComparison.Ordinal);
        Assert.Contains("22,25,443,8080,8443,31337", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_benign_capture_exits_0_and_names_no_scanner()
    {
        var (exit, output, _) = CliRunner.Run("analyze", Corpus("s07_benign_only.pcap"));
        Assert.Equal(0, exit);
        Assert.Contains("0 scanner(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_is_one_object_per_scanner_with_the_documented_fields()
    {
        var (exit, output, _) = CliRunner.Run("analyze", "--json", Corpus("s08_distributed_6x10.pcap"));
        Assert.Equal(1, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            foreach (var field in new[] { "source", "scan", "ports", "probes", "first_seen", "last_seen", "detector", "tool", "evidence", "exposed_ports" })
            {
                Assert.True(o.TryGetProperty(field, out _), $"missing {field} in {line}");
            }

            Assert.StartsWith("198.51.100.10", o.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.Equal(10, o.GetProperty("ports").GetArrayLength());
            Assert.True(o.GetProperty("evidence").GetProperty("score").GetDouble() >= o.GetProperty("evidence").GetProperty("threshold").GetDouble());
        }
    }

    [Fact]
    public void Kernel_log_with_served_ports_reports_exposure()
    {
        var (exit, output, _) = CliRunner.Run("analyze", "--json", "--served", "22,25,443,8080,8443,31337,udp/53", Corpus("s01_nmap_syn_top1000_klog.log"));
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output.Split('\n')[0]);
        var exposed = doc.RootElement.GetProperty("exposed_ports").EnumerateArray().Select(p => p.GetInt32()).ToArray();
        Assert.Equal([22, 25, 443, 8080, 8443, 31337], exposed);
    }

    [Theory]
    [InlineData("empty.pcap")]
    [InlineData("truncated_header.pcap")]
    [InlineData("huge_incl_len.pcap")]
    [InlineData("lying_ip_header.pcap")]
    [InlineData("random_bytes.pcap")]
    [InlineData("truncated_mid_record.pcap")]
    [InlineData("unknown_linktype.pcap")]
    [InlineData("wrong_magic.pcap")]
    [InlineData("half_and_garbage_lines.log")]
    public void Broken_input_exits_2_with_an_error_naming_the_file(string name)
    {
        var path = Path.Combine(RepoPaths.Corpus, "bad", name);
        var (exit, _, error) = CliRunner.Run("analyze", "--no-progress", path);
        Assert.Equal(2, exit);
        Assert.Contains(name, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_says_so_and_exits_2()
    {
        var (exit, _, error) = CliRunner.Run("analyze", "/nonexistent/capture.pcap");
        Assert.Equal(2, exit);
        Assert.Contains("/nonexistent/capture.pcap", error, StringComparison.Ordinal);
        Assert.Contains("no such", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_served_list_is_refused_with_the_item_named()
    {
        var (exit, _, error) = CliRunner.Run("analyze", "--served", "22,http", Corpus("s07_benign_only.pcap"));
        Assert.Equal(2, exit);
        Assert.Contains("'http'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Loopback_and_unspecified_sources_are_never_flagged()
    {
        // psad's rule: a "scan" from 127.0.0.1 or 0.0.0.0 is local noise or spoofing, never a scanner.
        var path = Path.Combine(Path.GetTempPath(), $"pv-loopback-{Guid.NewGuid():N}.log");
        try
        {
            var lines = new List<string>();
            foreach (var src in new[] { "127.0.0.1", "0.0.0.0" })
            {
                for (var port = 1; port <= 200; port++)
                {
                    lines.Add($"Nov 25 16:30:01 srv kernel: [  107.{port:000}000] DROP IN=eth0 OUT= SRC={src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=45 ID={port} PROTO=TCP SPT=40000 DPT={port} WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4)");
                }
            }

            File.WriteAllLines(path, lines);
            var (exit, output, error) = CliRunner.Run("analyze", "--json", path);
            Assert.True(exit == 0, $"exit {exit}: {output}{error}");
            Assert.Equal("", output.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
