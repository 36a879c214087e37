using System.Text.Json;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Nftables;
using PortVeil.IntegrationTests.Cli;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// The operator CLI next to a running daemon in a lab: `explain ban` on a ban made by a real nmap scan, and CLI
/// changes (allow, manual ban, unban) reaching the running daemon through the database within seconds.
/// </summary>
[Collection(DaemonCollection.Name)]
public class OperatorCliWithDaemonTests
{
    [Fact]
    public async Task Explain_ban_of_a_real_nmap_syn_scan_names_the_ports_detector_fingerprint_exposure_and_kernel_rule()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);

        // Gating off: a SYN to the open port 22 is answered, so the scanner really learns it and exposure is checkable
        // against what nmap itself reports. -r scans in port order, so 22 is probed before the ban lands.
        var stages = lab.Stages();
        await lab.StartAsync(new DaemonStages
        {
            NetworkNamespacePath = stages.NetworkNamespacePath,
            Storage = stages.Storage,
            Policy = stages.Policy,
            HostName = stages.HostName,
            Enforcer = new NftEnforcerOptions { Ruleset = new PortVeilRulesetOptions { FirstContactGating = false } },
        });
        var (scan, root) = await ScanAndExplainAsync(lab);
        var scanner = lab.Lab.Scanners[0];

        Assert.True(root.GetProperty("banned").GetBoolean());
        var ban = root.GetProperty("ban");
        var incident = root.GetProperty("incidents").EnumerateArray().First();
        var detector = incident.GetProperty("detector").GetString();
        Assert.Equal(detector, ban.GetProperty("detector").GetString());
        Assert.Equal("nmap", incident.GetProperty("tool").GetString());

        // Exposure: exactly what nmap itself reports as open.
        Assert.Equal([22], scan.OpenPorts);
        Assert.Equal([22], incident.GetProperty("open_ports_reached").EnumerateArray().Select(p => p.GetInt32()));
        var closed = incident.GetProperty("closed_ports").EnumerateArray().Select(p => p.GetInt32()).ToList();
        Assert.NotEmpty(closed);
        Assert.All(closed, p => Assert.InRange(p, 1000, 1300));
        Assert.Contains(22, incident.GetProperty("ports_probed").EnumerateArray().Select(p => p.GetInt32()));

        var kernel = root.GetProperty("kernel");
        Assert.Equal("banned4", kernel.GetProperty("set").GetString());
        Assert.Equal(scanner.IPv4, kernel.GetProperty("element").GetString());
        Assert.Equal("raw", kernel.GetProperty("rule").GetProperty("chain").GetString());
        Assert.Equal("ip saddr @banned4", kernel.GetProperty("rule").GetProperty("text").GetString()![..17]);

        using var cli = new CliRun(lab.Lab.Server.Name, lab.DatabasePath);
        var human = cli.Run("explain", "ban", scanner.IPv4).Out.ReplaceLineEndings(" ");
        Assert.Contains($"{scanner.IPv4} is banned by the {detector} detector", human, StringComparison.Ordinal);
        Assert.Contains($"Detector: {detector} (", human, StringComparison.Ordinal);
        Assert.Contains("Fingerprint: its packets match nmap", human, StringComparison.Ordinal);
        Assert.Contains("Exposure: before the verdict it had reached 1 open port (22)", human, StringComparison.Ordinal);
        Assert.Contains($"Kernel: {scanner.IPv4} is in set banned4", human, StringComparison.Ordinal);
        Assert.Contains("in chain raw (hook prerouting, priority -300) drops its packets", human, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_first_contact_gating_explain_ban_says_whether_the_nmap_scanner_learned_the_open_port_as_nmap_reports()
    {
        await using var lab = new DaemonLab(scanners: 1, clients: 0, 22);
        await lab.StartAsync();
        var (scan, root) = await ScanAndExplainAsync(lab);

        var incident = root.GetProperty("incidents").EnumerateArray().First();
        // A SYN that gating dropped is not exposure; only a retransmit that got through (the source is then known) is.
        var reached = incident.GetProperty("open_ports_reached").EnumerateArray().Select(p => p.GetInt32()).Contains(22);
        var passed = root.GetProperty("kernel").GetProperty("passed_gating").GetBoolean();
        Assert.Equal(scan.OpenPorts.Count > 0, passed);
        Assert.True(passed || !reached, "a scanner that never passed gating reached no open port");
        var exposure = root.GetProperty("account").EnumerateArray().Select(a => a.GetString()!).Single(a => a.StartsWith("Exposure:", StringComparison.Ordinal));
        Assert.Contains(reached ? "it passed first-contact gating" : "so it learned no open port", exposure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allow_entries_manual_bans_and_unbans_made_by_the_CLI_reach_the_running_daemon()
    {
        await using var lab = new DaemonLab(scanners: 0, clients: 0, 22);
        var daemon = await lab.StartAsync();
        using var cli = new CliRun(lab.Lab.Server.Name, lab.DatabasePath);
        var server = lab.Lab.Server;
        string Set(string name) => server.Exec("nft", "list", "set", "inet", "portveil", name).StdOut;

        // An operator allow entry lands in the kernel's allow set (pushed by the daemon's sync loop).
        Assert.Equal(0, cli.Run("allow", "add", "192.0.2.77", "--comment", "monitoring").ExitCode);
        await WaitUntilAsync(() => Task.FromResult(Set("allow4").Contains("192.0.2.77", StringComparison.Ordinal)), () => "allow4: " + Set("allow4") + " repairs " + daemon.Enforcer!.Repairs);

        // A manual ban: the daemon's policy learns it, and its watchdog restores it after the table is lost.
        Assert.Equal(0, cli.Run("bans", "add", "198.51.100.201", "--duration", "1h").ExitCode);
        await WaitUntilAsync(() => Task.FromResult(daemon.Policy!.ActiveBans == 1), () => "active bans " + daemon.Policy!.ActiveBans);

        // An unban: the policy forgets it, and the watchdog does not bring it back.
        Assert.Equal(0, cli.Run("bans", "add", "198.51.100.202", "--duration", "1h").ExitCode);
        await WaitUntilAsync(() => Task.FromResult(daemon.Policy!.ActiveBans == 2), () => "active bans " + daemon.Policy!.ActiveBans);
        Assert.Equal(0, cli.Run("bans", "remove", "198.51.100.202").ExitCode);
        await WaitUntilAsync(() => Task.FromResult(daemon.Policy!.ActiveBans == 1), () => "active bans " + daemon.Policy!.ActiveBans);
        var passes = daemon.OperatorSyncPasses;
        await WaitUntilAsync(() => Task.FromResult(daemon.OperatorSyncPasses >= passes + 2));

        server.Exec("nft", "delete", "table", "inet", "portveil").EnsureSuccess("delete table");
        await WaitUntilAsync(() => Task.FromResult(Set("banned4").Contains("198.51.100.201", StringComparison.Ordinal)), () => "banned4: " + Set("banned4") + " repairs " + daemon.Enforcer!.Repairs + " " + daemon.Enforcer.LastRepairError);
        Assert.DoesNotContain("198.51.100.202", Set("banned4"), StringComparison.Ordinal);
        await WaitUntilAsync(() => Task.FromResult(Set("allow4").Contains("192.0.2.77", StringComparison.Ordinal)), () => "allow4: " + Set("allow4") + " repairs " + daemon.Enforcer!.Repairs);
    }

    /// <summary>
    /// Scans the server with nmap from the lab's scanner (SYN, in port order: 22 first, then 1000-1300), waits for
    /// the kernel ban and the stored incident, and returns nmap's result and `portveil explain ban -o json`.
    /// </summary>
    private static async Task<(NmapResult Scan, JsonElement Root)> ScanAndExplainAsync(DaemonLab lab)
    {
        var scanner = lab.Lab.Scanners[0];
        var scan = Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "-r", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "22,1000-1300");
        await WaitUntilAsync(async () => (await lab.KernelBansAsync()).Contains(scanner.IPv4));
        await lab.Daemon!.Writer!.FlushAsync();
        using var cli = new CliRun(lab.Lab.Server.Name, lab.DatabasePath);

        var (exit, stdout, stderr) = cli.Run("explain", "ban", scanner.IPv4, "-o", "json");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        return (scan, json.RootElement.Clone());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string>? state = null)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (await condition())
            {
                return;
            }
        }

        Assert.True(await condition(), "condition not met within " + TestTimeouts.Event + ": " + state?.Invoke());
    }
}
