using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>`portveil run` as a user starts it: the real executable inside the lab server's namespace.</summary>
[Collection(DaemonCollection.Name)]
public class RunCommandTests
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Portveil_run_bans_a_scanner_and_leaves_its_bans_in_place_when_stopped()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        using var listener = LabTcpListener.Start(lab.Server, 22);
        var state = Directory.CreateTempSubdirectory("pv-run-");
        try
        {
            var portveil = typeof(PortVeil.Cli.Program).Assembly.Location;
            // The API listens on the lab server's own loopback; its token file stays in the test's directory.
            var tokenFile = Path.Combine(state.FullName, "api.token");
            var config = Path.Combine(state.FullName, "portveil.toml");
            File.WriteAllText(config, $"[api]\ntoken_file = \"{tokenFile}\"\n");
            using var daemon = lab.Server.Start("dotnet", portveil, "run", "--config", config, "--database", Path.Combine(state.FullName, "portveil.db"));
            Assert.True(WaitUntil(() => lab.Server.Exec("nft", "list", "table", "inet", "portveil").ExitCode == 0), "the daemon never created its table");
            Assert.True(WaitUntil(() => lab.Server.Exec("curl", "-sf", "http://127.0.0.1:9870/healthz").StdOut == "ok\n"), "the API never answered on the server's loopback");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            var stats = lab.Server.Exec("curl", "-sf", "-H", "Authorization: Bearer " + File.ReadAllText(tokenFile).Trim(), "http://127.0.0.1:9870/api/v1/stats");
            Assert.Contains("\"daemon\"", stats.StdOut, StringComparison.Ordinal);
            Assert.NotEqual(0, lab.Server.Exec("curl", "-sf", "http://127.0.0.1:9870/api/v1/stats").ExitCode);

            var scanner = lab.Scanners[0];
            var scan = Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");
            Assert.Empty(scan.OpenPorts);
            Assert.True(WaitUntil(() => lab.Server.Exec("nft", "list", "set", "inet", "portveil", "banned4").StdOut.Contains(scanner.IPv4, StringComparison.Ordinal)),
                "the scanner was not banned");

            // A clean stop (SIGTERM, as systemd sends) must leave the table and the ban in the kernel.
            ProcessRunner.Run("kill", "-TERM", daemon.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).EnsureSuccess("kill -TERM");
            Assert.True(daemon.WaitForExit(TestTimeouts.Event), "the daemon did not stop on SIGTERM");
            Assert.Equal(0, daemon.Process.ExitCode);
            Assert.Contains(scanner.IPv4, lab.Server.Exec("nft", "list", "set", "inet", "portveil", "banned4").StdOut, StringComparison.Ordinal);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event + TestTimeouts.Event; DateTime.UtcNow < deadline; Thread.Sleep(200))
        {
            if (condition())
            {
                return true;
            }
        }

        return false;
    }
}
