using PortVeil.Cli.Commands;
using PortVeil.Cli.Tests.Analysis;
using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Reporting;

/// <summary>`portveil report` end to end through the real command tree from captures of shared/corpus (from a database: <see cref="ReportFromDatabaseTests"/>).</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"pv-report-out-{Guid.NewGuid():N}");

    public ReportCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Captures() => ["s01_nmap_syn_top1000.pcap", "s02_nmap_connect.pcapng", "s08_distributed_6x10.pcap", "s09_hping3_syn_sweep.pcap"];

    [Theory]
    [MemberData(nameof(Captures))]
    public void A_report_from_a_corpus_capture_names_every_true_scanner_with_its_open_ports_and_tool(string capture)
    {
        var truth = CorpusTruth.All().Single(t => Path.GetFileName(t.InputFile) == capture);
        var output = Path.Combine(_dir, "report.html");

        var (exit, _, err) = CliRunner.Run("report", "--from-capture", truth.InputFile, "--output", output);

        Assert.True(exit == 0, err);
        var report = ReportDocument.Load(output);
        var exposure = report.Rows("exposure-table").ToDictionary(r => r[0], StringComparer.Ordinal);
        Assert.Equal(truth.Scanners.Count, exposure.Count);
        foreach (var scanner in truth.Scanners)
        {
            Assert.True(exposure.TryGetValue(scanner.Source, out var row), $"{scanner.Source} missing from the exposure table");
            var expectedTool = scanner.Tool is null ? "unknown" : scanner.Tool.Split(' ')[0].TrimEnd('3'); // "nmap 7.93" → nmap, "hping3 …" → hping
            Assert.Equal(expectedTool, row[2]);
            Assert.Equal(scanner.OpenPorts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), row[7]);
            var shown = row[8] == "none" ? [] : ExpandPorts(row[8]);
            Assert.Equal(scanner.OpenPorts.Order(), shown);
            Assert.Contains(scanner.Source, report.ChartLabels("top-sources"));
        }

        // Every open port the truth lists shows up in the ports chart when scanners probed it.
        var portLabels = report.ChartLabels("ports");
        Assert.NotEmpty(portLabels);
        Assert.Contains(ExpectedTool(truth), report.ChartLabels("tools"));
        Assert.Contains("n/a", report.Dom.GetElementById("card-bans")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(report.Dom.QuerySelectorAll("[src], link[href]")); // nothing loaded from anywhere
    }

    [Fact]
    public void A_missing_database_is_an_error_naming_the_path_and_creates_nothing()
    {
        var path = Path.Combine(_dir, "absent.db");

        var (exit, _, err) = CliRunner.Run("report", "--database", path, "--output", Path.Combine(_dir, "x.html"));

        Assert.Equal(1, exit);
        Assert.Contains(path, err, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_broken_configuration_stops_report_and_export_with_exit_78_naming_the_key()
    {
        var config = Path.Combine(_dir, "broken.toml");
        File.WriteAllText(config, "[storage]\nbackend = \"oracle\"\n");

        var report = CliRunner.Run("report", "--config", config, "--output", Path.Combine(_dir, "x.html"));
        var export = CliRunner.Run("export", "incidents", "--config", config);

        Assert.Equal(78, report.ExitCode);
        Assert.Contains("storage.backend", report.Err, StringComparison.Ordinal);
        Assert.Equal(78, export.ExitCode);
        Assert.Contains("storage.backend", export.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.html")));
    }

    [Fact]
    public void A_missing_capture_is_reported_in_the_html_and_by_the_exit_code()
    {
        var output = Path.Combine(_dir, "missing.html");

        var (exit, _, _) = CliRunner.Run("report", "--from-capture", Path.Combine(_dir, "nope.pcap"), "--output", output);

        Assert.Equal(AnalyzeCommand.ExitBadInput, exit);
        var report = ReportDocument.Load(output);
        Assert.Contains("nope.pcap: no such file", report.Dom.GetElementById("warnings")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("24h", -24 * 60)]
    [InlineData("90m", -90)]
    [InlineData("1h30m", -90)]
    public void Since_accepts_durations_back_from_now(string text, int minutes)
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        Assert.True(ReportCommand.TryParseSince(text, now, out var since, out _));
        Assert.Equal(now.AddMinutes(minutes), since);
    }

    [Fact]
    public void Since_accepts_a_utc_time_and_refuses_nonsense()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.True(ReportCommand.TryParseSince("2026-11-25T16:00:00Z", now, out var since, out _));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero), since);
        Assert.False(ReportCommand.TryParseSince("yesterday-ish", now, out _, out var error));
        Assert.Contains("yesterday-ish", error, StringComparison.Ordinal);
    }

    private static string ExpectedTool(CorpusTruth truth) =>
        truth.Scanners[0].Tool is { } t ? t.Split(' ')[0].TrimEnd('3') : "unknown";

    private static List<ushort> ExpandPorts(string text)
    {
        var ports = new List<ushort>();
        foreach (var part in text.Split(','))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                ports.Add(ushort.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            for (var p = int.Parse(part[..dash], System.Globalization.CultureInfo.InvariantCulture); p <= int.Parse(part[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture); p++)
            {
                ports.Add((ushort)p);
            }
        }

        return ports;
    }
}
