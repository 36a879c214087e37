using System.CommandLine;
using System.Text.Json;
using PortVeil.Cli;
using PortVeil.Enforcement.Doctor;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

public class DoctorTests
{
    [Fact]
    public void Doctor_json_lists_every_check_passes_here_and_leaves_the_hosts_firewall_alone()
    {
        var before = ProcessRunner.Run("nft", "list", "ruleset").EnsureSuccess("list host ruleset").StdOut;
        using var output = new StringWriter();

        var exit = Program.BuildRoot().Parse(["doctor", "--output", "json"]).Invoke(new InvocationConfiguration { Output = output });

        using var doc = JsonDocument.Parse(output.ToString());
        var checks = doc.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString()!);
        foreach (var id in new[] { "libnftables", "nf_tables", "set_timeouts", "tcp_options", "nflog_rule", "reflex_meter", "fib_spoof_checks", "portveil_table", "nfnetlink_log" })
        {
            Assert.Equal("OK", checks[id]);
        }

        foreach (var id in new[] { "reverse_path", "docker", "iptables_legacy", "firewalld", "ufw", "fail2ban", "crowdsec" })
        {
            Assert.Contains(id, checks.Keys);
        }

        Assert.True(doc.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(0, exit);
        Assert.Equal(before, ProcessRunner.Run("nft", "list", "ruleset").EnsureSuccess("list host ruleset").StdOut);
    }

    [Fact]
    public void Doctor_names_the_docker_backend_and_other_firewalls_from_their_files_and_fails_without_nflog()
    {
        var root = Directory.CreateTempSubdirectory("pv-doctor-");
        try
        {
            var etc = Directory.CreateDirectory(Path.Combine(root.FullName, "etc")).FullName;
            var proc = Directory.CreateDirectory(Path.Combine(root.FullName, "proc")).FullName;
            Directory.CreateDirectory(Path.Combine(etc, "docker"));
            File.WriteAllText(Path.Combine(etc, "docker", "daemon.json"), """{ "firewall-backend": "nftables" }""");
            Directory.CreateDirectory(Path.Combine(etc, "ufw"));
            File.WriteAllText(Path.Combine(etc, "ufw", "ufw.conf"), "ENABLED=yes\n");
            Directory.CreateDirectory(Path.Combine(proc, "net"));
            File.WriteAllText(Path.Combine(proc, "net", "ip_tables_names"), "filter\n");

            var report = HostCapabilities.Inspect(proc, etc);

            var byId = report.Checks.ToDictionary(c => c.Id);
            Assert.Contains("nftables backend", byId["docker"].Detail, StringComparison.Ordinal);
            Assert.Equal(CheckStatus.Warning, byId["ufw"].Status);
            Assert.Equal(CheckStatus.Warning, byId["iptables_legacy"].Status);
            Assert.Equal(CheckStatus.Failed, byId["nfnetlink_log"].Status);
            Assert.NotNull(byId["nfnetlink_log"].Fix);
            Assert.False(report.Healthy);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
