using System.CommandLine;
using System.Text.Json;
using System.Xml.Linq;
using PortVeil.Daemon.Notifications;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// What an operator gets out of a real ban: a real nmap scan against a lab server protected by the real daemon,
/// then the incident log, the signed ban webhook, `portveil report` and `portveil export incidents` over the
/// daemon's own database.
/// </summary>
[Collection(DaemonCollection.Name)]
public class OperatorOutputsTests
{
    private const string Secret = "operator-outputs-test-secret-01";

    [Fact]
    public async Task A_real_nmap_ban_reaches_the_incident_log_a_webhook_the_html_report_and_the_json_export()
    {
        using var receiver = new WebhookReceiver(200);
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22, 443);
        var incidentLog = Path.Combine(lab.StateDirectory, "incidents.jsonl");
        var stages = lab.Stages();
        await lab.StartAsync(new PortVeil.Daemon.Pipeline.DaemonStages
        {
            NetworkNamespacePath = stages.NetworkNamespacePath,
            Storage = stages.Storage,
            Policy = stages.Policy,
            HostName = stages.HostName,
            Notifications = new NotificationOptions
            {
                IncidentLog = incidentLog,
                Webhooks = [new WebhookOptions { Url = receiver.Url, Secret = Secret, Events = WebhookEvents.Ban }],
            },
        });
        var scanner = lab.Lab.Scanners[0];

        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-1000");

        Assert.True(receiver.WaitForRequests(1, TestTimeouts.Event), "a ban webhook");
        await lab.Daemon!.Writer!.FlushAsync();
        await lab.StopAsync(); // drains the notifier: the incident log is complete

        // The webhook: signed, for the scanner.
        var request = receiver.Requests.First();
        Assert.True(WebhookSignature.Verify(Secret, request.Headers[WebhookSignature.TimestampHeader], request.Headers[WebhookSignature.SignatureHeader],
            request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        using (var body = JsonDocument.Parse(request.Body))
        {
            Assert.Equal(scanner.IPv4, body.RootElement.GetProperty("ban").GetProperty("target").GetString());
        }

        // The incident log: the scanner's incident with its ban. Exposure is the evidence's "open ports reached"
        // (served ports it sent openers to before the ban), so it can only name the lab's served ports.
        var logged = File.ReadAllLines(incidentLog).Select(l => JsonDocument.Parse(l)).ToList();
        var mine = logged.Where(d => d.RootElement.GetProperty("source").GetString() == scanner.IPv4).Select(d => d.RootElement).ToList();
        Assert.NotEmpty(mine);
        Assert.Contains(mine, i => i.GetProperty("ban").ValueKind == JsonValueKind.Object && i.GetProperty("ban").GetProperty("target").GetString() == scanner.IPv4);
        Assert.All(mine, i => Assert.NotEmpty(i.GetProperty("ports").EnumerateArray()));
        var exposed = mine.SelectMany(i => i.GetProperty("exposure").EnumerateArray().Select(p => p.GetInt32())).Distinct().Order().ToList();
        Assert.All(exposed, p => Assert.Contains(p, (int[])[22, 443]));

        // The report over the daemon's database: well-formed, with the scanner banned in the exposure table.
        var html = Path.Combine(lab.StateDirectory, "report.html");
        var (exit, _, err) = Cli("report", "--database", lab.DatabasePath, "--since", "1h", "--output", html);
        Assert.True(exit == 0, err);
        var doc = XDocument.Parse(File.ReadAllText(html));
        XNamespace x = "http://www.w3.org/1999/xhtml";
        var exposure = doc.Descendants(x + "table").Single(t => (string?)t.Attribute("id") == "exposure-table");
        var row = exposure.Descendants(x + "tr").Select(r => r.Elements(x + "td").Select(c => c.Value).ToArray())
            .Single(cells => cells.Length > 0 && cells[0] == scanner.IPv4);
        Assert.Equal(exposed.Count == 0 ? "none" : string.Join(',', exposed), row[8]);
        Assert.Equal("yes", row[9]);
        var bans = doc.Descendants(x + "table").Single(t => (string?)t.Attribute("id") == "bans-table");
        Assert.Contains(bans.Descendants(x + "td"), c => c.Value == scanner.IPv4);

        // The export: the same incident, with its ban.
        var (exportExit, lines, exportErr) = Cli("export", "incidents", "--database", lab.DatabasePath, "--since", "1h");
        Assert.True(exportExit == 0, exportErr);
        Assert.Contains(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries), l =>
        {
            using var d = JsonDocument.Parse(l);
            return d.RootElement.GetProperty("source").GetString() == scanner.IPv4 &&
                d.RootElement.GetProperty("ban").ValueKind == JsonValueKind.Object;
        });
        foreach (var d in logged)
        {
            d.Dispose();
        }
    }

    private static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = PortVeil.Cli.Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
