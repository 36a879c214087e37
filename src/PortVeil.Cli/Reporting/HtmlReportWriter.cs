using System.Globalization;
using System.Text;
using PortVeil.Cli.Analysis;
using PortVeil.Core;

namespace PortVeil.Cli.Reporting;

/// <summary>
/// Writes a report as one self-contained HTML file: inline CSS, inline SVG charts and a few lines of inline script
/// (table sorting and filtering), no external request of any kind, so it opens offline and can be mailed. The
/// markup is also well-formed XML (void elements closed, every data string escaped by <see cref="Html.Escape"/>),
/// which the tests check with a strict XML parser.
/// </summary>
internal static class HtmlReportWriter
{
    /// <summary>Rows shown in each ranking chart.</summary>
    public const int TopN = 15;

    /// <summary>Incidents listed in the last table; the charts and other tables count all of them.</summary>
    public const int MaxIncidentRows = 2000;

    public static void Write(ReportData data, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(output);
        var incidents = data.Incidents;
        var scanners = ReportAggregates.Scanners(incidents);
        var sb = new StringBuilder(64 * 1024);
        sb.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        sb.Append("<meta name=\"generator\" content=\"portveil report\"/>\n");
        sb.Append("<title>").Append(Html.Escape(data.Title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
        sb.Append("<header><h1>").Append(Html.Escape(data.Title)).Append("</h1>\n<p class=\"meta\">Generated ")
            .Append(Html.Escape(Time(data.GeneratedAt))).Append(" from ").Append(Html.Escape(data.InputDescription)).Append(".</p>\n</header>\n");

        WriteSummary(sb, data, scanners);
        if (data.Warnings.Count > 0 || data.Truncated)
        {
            sb.Append("<section id=\"warnings\" class=\"warn\"><h2>Input problems</h2><ul>");
            if (data.Truncated)
            {
                sb.Append("<li>More than ").Append(ReportSources.MaxIncidents.ToString(CultureInfo.InvariantCulture))
                    .Append(" incidents in the period: only the oldest are shown; narrow --since.</li>");
            }

            foreach (var w in data.Warnings)
            {
                sb.Append("<li>").Append(Html.Escape(w)).Append("</li>");
            }

            sb.Append("</ul></section>\n");
        }

        var series = ReportAggregates.Series([.. incidents.Select(i => (i.DecidedAt, 1L))], out var bucket);
        Section(sb, "timeline", "Scans over time", $"Scanner verdicts per {Describe(bucket)} (UTC).",
            SvgCharts.Columns(series, t => BucketLabel(t, bucket), "scans", "Scans over time"));
        if (data.ProbeMinutes.Count > 0)
        {
            var probes = ReportAggregates.Series(data.ProbeMinutes, out var probeBucket);
            Section(sb, "probes", "Probe packets over time", $"Connection attempts the kernel logged (openers to served and unserved ports), per {Describe(probeBucket)}.",
                SvgCharts.Columns(probes, t => BucketLabel(t, probeBucket), "packets", "Probe packets over time"));
        }

        Section(sb, "top-sources", "Top sources", "Verdicts per source address (or IPv6 /64).",
            SvgCharts.Bars(ReportAggregates.Top(incidents, i => i.Source, TopN), "Top sources"));
        Section(sb, "top-subnets", "Top subnets", "Verdicts per /24 (IPv4) and /64 (IPv6): where distributed scans come from.",
            SvgCharts.Bars(ReportAggregates.Top(incidents, ReportAggregates.Subnet, TopN), "Top subnets"));
        Section(sb, "ports", "Ports probed", "Each port with the number of distinct scanners that probed it.",
            SvgCharts.Bars(ReportAggregates.PortsProbed(incidents, TopN), "Ports probed"));
        sb.Append("<div class=\"grid\">");
        Section(sb, "scan-types", "Scan types", "Verdicts per scan type.",
            SvgCharts.Bars(ReportAggregates.Top(incidents, i => ScanNames.Of(i.Scan), TopN), "Scan types", narrow: true));
        Section(sb, "tools", "Tools", "Verdicts per tool fingerprint (\"unknown\" when no fingerprint matched).",
            SvgCharts.Bars(ReportAggregates.Top(incidents, i => ScanNames.Of(i.Tool), TopN), "Tools", narrow: true));
        Section(sb, "detectors", "Detectors", "Which detector decided.",
            SvgCharts.Bars(ReportAggregates.Top(incidents, i => ScanNames.Of(i.Detector), TopN), "Detectors", narrow: true));
        sb.Append("</div>\n");

        WriteExposure(sb, scanners);
        WriteBans(sb, data);
        WriteIncidents(sb, incidents);
        sb.Append("<footer>PortVeil report. Self-contained: no scripts, fonts or images are loaded from anywhere.</footer>\n");
        sb.Append("<script>//<![CDATA[\n").Append(Script).Append("\n//]]></script>\n</body>\n</html>\n");
        output.Write(sb.ToString());
    }

    private static void WriteSummary(StringBuilder sb, ReportData data, List<ScannerSummary> scanners)
    {
        var exposed = scanners.Count(s => s.Exposed.Count > 0);
        sb.Append("<section id=\"summary\" class=\"cards\">");
        Card(sb, "scans", data.Incidents.Count.ToString(CultureInfo.InvariantCulture), "scanner verdicts");
        Card(sb, "sources", scanners.Count.ToString(CultureInfo.InvariantCulture), "distinct sources");
        Card(sb, "exposed", exposed.ToString(CultureInfo.InvariantCulture), "sources that reached an open port");
        Card(sb, "bans", data.HasBanData ? data.Bans.Count.ToString(CultureInfo.InvariantCulture) : "n/a",
            data.HasBanData ? "bans" : "bans (offline analysis bans nothing)");
        sb.Append("</section>\n");
    }

    private static void Card(StringBuilder sb, string id, string value, string label) =>
        sb.Append("<div class=\"card\" id=\"card-").Append(id).Append("\"><div class=\"big\">").Append(Html.Escape(value))
            .Append("</div><div>").Append(Html.Escape(label)).Append("</div></div>");

    private static void Section(StringBuilder sb, string id, string title, string description, string body) =>
        sb.Append("<section id=\"").Append(id).Append("\"><h2>").Append(Html.Escape(title)).Append("</h2><p class=\"note\">")
            .Append(Html.Escape(description)).Append("</p>").Append(body).Append("</section>\n");

    private static void WriteExposure(StringBuilder sb, List<ScannerSummary> scanners)
    {
        sb.Append("<section id=\"exposure\"><h2>Exposure per scanner</h2><p class=\"note\">The open ports each scanner reached: ")
            .Append("from captures, ports that answered it (or served ports it probed, for kernel logs); from the database, the served ports ")
            .Append("its probes reached before the verdict, as the detection evidence records them (a probe that first-contact gating ")
            .Append("dropped is counted too, so this is an upper bound on what it learned). Zero is the goal.</p>");
        Filter(sb, "exposure-table");
        sb.Append("<table id=\"exposure-table\" class=\"sortable\"><thead><tr><th>Source</th><th>Scan</th><th>Tool</th><th>Detector</th>")
            .Append("<th class=\"num\">Verdicts</th><th class=\"num\">Probes</th><th class=\"num\">Ports probed</th><th class=\"num\">Open ports reached</th>")
            .Append("<th>Open ports</th><th>Banned</th><th>First</th><th>Last</th></tr></thead><tbody>");
        foreach (var s in scanners)
        {
            sb.Append("<tr").Append(s.Exposed.Count > 0 ? " class=\"exposed\"" : "").Append('>');
            Cell(sb, s.Source, "src");
            Cell(sb, string.Join(", ", s.Scans));
            Cell(sb, string.Join(", ", s.Tools));
            Cell(sb, string.Join(", ", s.Detectors));
            Num(sb, s.Incidents);
            Num(sb, s.Probes);
            Num(sb, s.Ports.Count);
            Num(sb, s.Exposed.Count);
            Cell(sb, s.Exposed.Count == 0 ? "none" : PortList.Format([.. s.Exposed], 40), "ports");
            Cell(sb, s.Banned ? "yes" : "no");
            Cell(sb, Time(s.First));
            Cell(sb, Time(s.Last));
            sb.Append("</tr>");
        }

        sb.Append("</tbody></table></section>\n");
    }

    private static void WriteBans(StringBuilder sb, ReportData data)
    {
        sb.Append("<section id=\"bans\"><h2>Bans</h2>");
        if (!data.HasBanData)
        {
            sb.Append("<p class=\"note\">Offline analysis of captures bans nothing; run `portveil report --database` for the daemon's bans.</p></section>\n");
            return;
        }

        sb.Append("<p class=\"note\">Bans started in the period, newest last. A level above 0 is an escalated repeat offender.</p>");
        Filter(sb, "bans-table");
        sb.Append("<table id=\"bans-table\" class=\"sortable\"><thead><tr><th>Target</th><th>Started</th><th>Expires</th><th>Ended</th>")
            .Append("<th>Scan</th><th>Tool</th><th class=\"num\">Level</th><th>Dry run</th><th>Reason</th></tr></thead><tbody>");
        foreach (var b in data.Bans)
        {
            sb.Append("<tr>");
            Cell(sb, b.Target, "src");
            Cell(sb, Time(b.StartedAt));
            Cell(sb, Time(b.ExpiresAt));
            Cell(sb, b.EndedAt is { } e ? $"{Time(e)} ({b.EndReason})" : "");
            Cell(sb, b.Scan);
            Cell(sb, b.Tool);
            Num(sb, b.EscalationLevel);
            Cell(sb, b.DryRun ? "yes" : "no");
            Cell(sb, b.Reason, "reason");
            sb.Append("</tr>");
        }

        sb.Append("</tbody></table></section>\n");
    }

    private static void WriteIncidents(StringBuilder sb, IReadOnlyList<ReportIncident> incidents)
    {
        sb.Append("<section id=\"incidents\"><h2>Incidents</h2><p class=\"note\">Every verdict with its evidence");
        if (incidents.Count > MaxIncidentRows)
        {
            sb.Append(" (the newest ").Append(MaxIncidentRows.ToString(CultureInfo.InvariantCulture)).Append(" of ")
                .Append(incidents.Count.ToString(CultureInfo.InvariantCulture)).Append(')');
        }

        sb.Append(".</p>");
        Filter(sb, "incidents-table");
        sb.Append("<div class=\"scroll\"><table id=\"incidents-table\" class=\"sortable\"><thead><tr><th>Decided</th><th>Source</th><th>Scan</th><th>Tool</th>")
            .Append("<th>Detector</th><th class=\"num\">Probes</th><th>Ports probed</th><th>Open ports reached</th><th>Evidence</th><th>Origin</th></tr></thead><tbody>");
        for (var n = Math.Max(0, incidents.Count - MaxIncidentRows); n < incidents.Count; n++)
        {
            var i = incidents[n];
            sb.Append("<tr>");
            Cell(sb, Time(i.DecidedAt));
            Cell(sb, i.Source, "src");
            Cell(sb, ScanNames.Of(i.Scan));
            Cell(sb, ScanNames.Of(i.Tool) + (i.Fingerprint is null ? "" : $" ({i.Fingerprint})"));
            Cell(sb, ScanNames.Of(i.Detector));
            Num(sb, i.Probes);
            Cell(sb, PortList.Format([.. i.PortsProbed.Order()], 12), "ports");
            Cell(sb, i.OpenPortsReached.Count == 0 ? "none" : PortList.Format([.. i.OpenPortsReached.Order()], 20), "ports");
            Cell(sb, i.Summary, "reason");
            Cell(sb, i.Origin);
            sb.Append("</tr>");
        }

        sb.Append("</tbody></table></div></section>\n");
    }

    private static void Filter(StringBuilder sb, string table) =>
        sb.Append("<input type=\"search\" class=\"filter\" placeholder=\"Filter rows\" data-table=\"").Append(table).Append("\"/>");

    private static void Cell(StringBuilder sb, string text, string? cls = null)
    {
        sb.Append(cls is null ? "<td>" : $"<td class=\"{cls}\">").Append(Html.Escape(text)).Append("</td>");
    }

    private static void Num(StringBuilder sb, long value) =>
        sb.Append("<td class=\"num\">").Append(value.ToString(CultureInfo.InvariantCulture)).Append("</td>");

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string BucketLabel(DateTimeOffset t, TimeSpan bucket) => t.UtcDateTime.ToString(
        bucket < TimeSpan.FromMinutes(1) ? "HH:mm:ss" : bucket < TimeSpan.FromDays(1) ? "MM-dd HH:mm" : "yyyy-MM-dd",
        CultureInfo.InvariantCulture);

    private static string Describe(TimeSpan bucket) =>
        bucket.TotalDays >= 1 ? $"{bucket.TotalDays:0.#} day(s)"
        : bucket.TotalHours >= 1 ? $"{bucket.TotalHours:0.#} hour(s)"
        : bucket.TotalMinutes >= 1 ? $"{bucket.TotalMinutes:0.#} minute(s)"
        : $"{bucket.TotalSeconds:0.#} second(s)";

    // Static text: never holds data. No '<' or '&' in it, so it is also valid XML character data.
    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:0 20px 40px;color:#1d2733;background:#fafbfc}
        h1{font-size:24px;margin:24px 0 4px}h2{font-size:18px;margin:28px 0 4px;border-bottom:1px solid #dde3ea;padding-bottom:4px}
        .meta,.note{color:#5a6877;margin:2px 0 10px}.cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}
        .card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:12px 18px;min-width:150px}.big{font-size:26px;font-weight:600}
        .grid{display:flex;flex-wrap:wrap;gap:0 24px}.grid section{flex:1 1 360px}
        svg.chart{max-width:100%;height:auto;background:#fff;border:1px solid #eef1f4;border-radius:6px}
        .bar{fill:#3b82c4}g:hover .bar{fill:#c4513b}.label,.value,.tick{font-size:12px;fill:#33404d}.axis{stroke:#9aa7b4}
        table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}th,td{border:1px solid #e3e8ee;padding:4px 6px;text-align:left;vertical-align:top}
        th{background:#f0f3f6;cursor:pointer;user-select:none}td.num,th.num{text-align:right}td.src,td.ports{font-family:ui-monospace,Menlo,monospace}
        td.reason{max-width:420px;word-break:break-word}tr.exposed td{background:#fff3f0}.warn{background:#fff8e6;border:1px solid #f0d48a;padding:4px 14px;border-radius:6px}
        .scroll{overflow-x:auto}td.reason{min-width:260px}.empty{color:#8795a1;font-style:italic}.filter{margin:4px 0 8px;padding:4px 8px;width:260px}footer{margin-top:30px;color:#8795a1;font-size:12px}
        """;

    // Sorting and filtering only; reads the table's own cells, never data embedded in script. Written without
    // '<' and '&' so the document stays well-formed XML.
    private const string Script = """
        document.querySelectorAll('table.sortable th').forEach(function (th) {
          th.addEventListener('click', function () {
            var table = th.closest('table'), body = table.tBodies[0], col = th.cellIndex;
            var asc = th.getAttribute('data-asc') !== 'true';
            th.setAttribute('data-asc', asc ? 'true' : 'false');
            var rows = Array.prototype.slice.call(body.rows);
            var num = th.classList.contains('num');
            rows.sort(function (a, b) {
              var x = a.cells[col].textContent, y = b.cells[col].textContent;
              var c = num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
              return asc ? c : -c;
            });
            rows.forEach(function (r) { body.appendChild(r); });
          });
        });
        document.querySelectorAll('input.filter').forEach(function (input) {
          input.addEventListener('input', function () {
            var q = input.value.toLowerCase(), table = document.getElementById(input.getAttribute('data-table'));
            Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
              r.style.display = r.textContent.toLowerCase().indexOf(q) === -1 ? 'none' : '';
            });
          });
        });
        """;
}
