using System.Net;
using System.Text;
using System.Text.Json;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Api;

/// <summary>
/// The API of a real daemon protecting a lab server: a real nmap scan is banned in the real kernel set, the API
/// explains it, an unban through the API takes it out of the kernel, and /metrics counted all of it.
/// </summary>
[Collection(DaemonCollection.Name)]
public class ApiEndToEndTests
{
    [Fact]
    public async Task A_real_scan_ban_is_listed_explained_and_unbanned_through_the_api_out_of_the_kernel_set()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22, 443);
        var daemon = await lab.StartAsync(lab.Stages(api: ApiLab.Options(lab)));
        using var client = ApiLab.Client(daemon, lab);
        var scanner = lab.Lab.Scanners[0];

        var scan = Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-1000");
        Assert.Empty(scan.OpenPorts);
        await WaitForKernelAsync(lab, present: true, scanner.IPv4);

        var ban = await ApiLab.WaitForBanAsync(client, daemon, scanner.IPv4);
        Assert.False(ban.GetProperty("dryRun").GetBoolean());
        Assert.False(string.IsNullOrEmpty(ban.GetProperty("detector").GetString()));
        var explanation = ban.GetProperty("explanation").GetString()!;
        Assert.StartsWith($"{scanner.IPv4} is banned by the ", explanation, StringComparison.Ordinal);
        Assert.Contains("Packets: a syn scan: ", explanation, StringComparison.Ordinal);
        Assert.Contains("Exposure: ", explanation, StringComparison.Ordinal);
        Assert.True(ban.GetProperty("portsProbed").GetArrayLength() > 0, explanation);

        using var incidents = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/incidents?since=10m", UriKind.Relative)));
        Assert.Contains(incidents.RootElement.GetProperty("incidents").EnumerateArray(), i => i.GetProperty("source").GetString() == scanner.IPv4);

        // The single-ban account reads the real kernel: the set and the rule that drops the scanner.
        using var explained = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/explain/" + scanner.IPv4, UriKind.Relative)));
        var account = string.Join("\n", explained.RootElement.GetProperty("account").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains($"Kernel: {scanner.IPv4} is in set ", account, StringComparison.Ordinal);

        using var unban = await client.PostAsync(new Uri("/api/v1/unban", UriKind.Relative),
            new StringContent($"{{\"target\":\"{scanner.IPv4}\"}}", Encoding.UTF8, "application/json"));
        var body = await unban.Content.ReadAsStringAsync();
        Assert.True(unban.StatusCode == HttpStatusCode.OK, body);
        await WaitForKernelAsync(lab, present: false, scanner.IPv4);

        // Let in again: a served port answers (after at most one gating retransmit).
        Assert.True(LabTcpClient.TryConnect(scanner, LabTopology.ServerIPv4, 22, TimeSpan.FromSeconds(6)));

        var metrics = PrometheusText.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.True(metrics.Value("portveil_bans_total", ("mode", "enforced")) >= 1);
        // The engine saw at least the probes that the ban names (later ones were dropped before NFLOG).
        Assert.True(metrics.Value("portveil_events_total") >= ban.GetProperty("portsProbed").GetArrayLength());
        Assert.Equal(1, metrics.Value("portveil_unbans_total"));
        Assert.True(metrics.Value("portveil_ban_latency_seconds_count") >= 1);
        Assert.Contains(metrics.Samples, s => s.Name == "portveil_verdicts_total" && s.Value >= 1);
    }

    [Fact]
    public async Task The_api_refuses_a_cross_site_unban_and_the_ban_stays_in_the_kernel()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);
        var daemon = await lab.StartAsync(lab.Stages(api: ApiLab.Options(lab)));
        using var client = ApiLab.Client(daemon, lab);
        var scanner = lab.Lab.Scanners[0];
        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");
        await WaitForKernelAsync(lab, present: true, scanner.IPv4);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/unban")
        {
            Content = new StringContent($"{{\"target\":\"{scanner.IPv4}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Origin", "http://attacker.example");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(scanner.IPv4, await lab.KernelBansAsync());
    }

    internal static async Task WaitForKernelAsync(DaemonLab lab, bool present, string address)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; ; await Task.Delay(200))
        {
            var bans = await lab.KernelBansAsync();
            if (bans.Contains(address) == present)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{address} should {(present ? "be" : "no longer be")} in the kernel ban sets: [{string.Join(", ", bans)}]");
        }
    }
}
