using PortVeil.Cli.Commands;
using PortVeil.Cli.Tests.Analysis;
using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Reporting;

/// <summary>`portveil report` end to end through the real command tree: captures from shared/corpus and a real SQLite store.</summary>
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
    public void A_report_from_a_sqlite_store_shows_incidents_bans_subnets_and_probes()
    {
        using var store = new StoreContent();
        var output = Path.Combine(_dir, "db.html");

        var (exit, stdout, err) = CliRunner.Run("report", "--database", store.DatabasePath, "--since", "1d", "--output", output);

        Assert.True(exit == 0, err);
        Assert.Contains("2 incident(s), 1 ban(s)", stdout, StringComparison.Ordinal);
        var report = ReportDocument.Load(output);
        var exposure = report.Rows("exposure-table").ToDictionary(r => r[0], StringComparer.Ordinal);
        Assert.Equal(["2001:db8:5:6::/64", "203.0.113.7"], exposure.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("22,443", exposure["203.0.113.7"][8]);
        Assert.Equal("yes", exposure["203.0.113.7"][9]);
        Assert.Equal("none", exposure["2001:db8:5:6::/64"][8]);
        Assert.Equal("masscan", exposure["2001:db8:5:6::/64"][2]);
        var subnets = report.ChartLabels("top-subnets");
        Assert.Contains("203.0.113.0/24", subnets);
        Assert.Contains("2001:db8:5:6::/64", subnets);
        var bans = report.Rows("bans-table");
        var ban = Assert.Single(bans);
        Assert.Equal("203.0.113.7", ban[0]);
        Assert.Equal("1", ban[6]);
        Assert.NotNull(report.Dom.GetElementById("probes"));
        Assert.Equal(2, report.Rows("incidents-table").Count);
    }

    [Fact]
    public void A_report_for_a_period_without_the_incidents_leaves_them_out()
    {
        using var store = new StoreContent();
        var output = Path.Combine(_dir, "recent.html");

        var (exit, _, err) = CliRunner.Run("report", "--database", store.DatabasePath, "--since", "2h", "--output", output);

        Assert.True(exit == 0, err);
        var rows = ReportDocument.Load(output).Rows("incidents-table");
        Assert.Equal("2001:db8:5:6::/64", Assert.Single(rows)[1]);
    }

    [Fact]
    public void Hostile_strings_from_the_database_are_escaped_and_never_become_markup()
    {
        using var store = new StoreContent(hostile: true);
        var output = Path.Combine(_dir, "hostile.html");

        var (exit, _, err) = CliRunner.Run("report", "--database", store.DatabasePath, "--since", "1d", "--output", output);

        Assert.True(exit == 0, err);
        var report = ReportDocument.Load(output);
        // Only the report's own script element exists, and no element came from data.
        Assert.Single(report.Dom.QuerySelectorAll("script"));
        Assert.Empty(report.Dom.QuerySelectorAll("img, b, body svg[onload], [onerror], [onload]"));
        Assert.Equal(StoreContent.HostileReason, report.Rows("bans-table").Single()[8]);
        Assert.All(report.Rows("incidents-table"), r => Assert.Equal(StoreContent.HostileSummary, r[8]));
        Assert.Contains(report.Rows("incidents-table"), r => r[3].Contains(StoreContent.HostileFingerprint, StringComparison.Ordinal) && r[9] == StoreContent.HostileHost);
        Assert.DoesNotContain("<script>alert", report.Html, StringComparison.Ordinal);
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
