using System.Text.Json;
using PortVeil.Core;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Install;

/// <summary>
/// `portveil uninstall` (the real executable) on a tree made by scripts/install.sh, run inside a test network
/// namespace that holds a real PortVeil table with a ban and other tables that must survive.
/// </summary>
public class UninstallTests
{
    // Tables that are not ours, among them one that shares our name in another family.
    private const string ForeignTables = """
        table inet filter {
            chain input {
                type filter hook input priority filter; policy accept;
                tcp dport 22 accept
            }
        }
        table ip portveil {
            set keep { type ipv4_addr; elements = { 192.0.2.7 } }
        }
        table ip docker_nat {
            chain prerouting {
                type nat hook prerouting priority dstnat; policy accept;
                tcp dport 8080 dnat to 192.0.2.130:80
            }
        }
        """;

    private static string Portveil => Path.Combine(InstallTree.CliBuildOutput, "portveil.dll");

    [Fact]
    public async Task Uninstall_deletes_the_inet_portveil_table_with_its_bans_and_no_other_table()
    {
        using var ns = NetworkNamespace.Create("uni");
        using var tree = InstallTree.Create();
        tree.Install().EnsureSuccess("install");
        ns.Exec("nft", ["-f", "-"], TestTimeouts.Command, ForeignTables).EnsureSuccess("foreign tables");
        using (var enforcer = new NftEnforcer(new NftEnforcerOptions { NetworkNamespacePath = Path.Combine("/var/run/netns", ns.Name), Watchdog = false }))
        {
            await enforcer.EnsureTableAsync();
            await enforcer.BanAsync(SourceKey.ForAddress(NetAddress.Parse("198.51.100.9")), TimeSpan.FromMinutes(10));
        }

        Assert.Contains("198.51.100.9", ns.Exec("nft", "list", "set", "inet", "portveil", "banned4").StdOut, StringComparison.Ordinal);
        var before = ns.Exec("nft", "list", "ruleset").EnsureSuccess("ruleset before").StdOut;

        var run = ns.Exec("dotnet", [Portveil, "uninstall", "--root", tree.Root, "--output", "json"], TestTimeouts.Command);
        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        using var report = JsonDocument.Parse(run.StdOut);
        Assert.True(report.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains(report.RootElement.GetProperty("steps").EnumerateArray(),
            s => s.GetProperty("step").GetString() == "table" && s.GetProperty("outcome").GetString() == "removed");

        var tables = ns.Exec("nft", "list", "tables").EnsureSuccess("tables after").StdOut;
        Assert.DoesNotContain("table inet portveil", tables, StringComparison.Ordinal);
        Assert.Contains("table inet filter", tables, StringComparison.Ordinal);
        Assert.Contains("table ip portveil", tables, StringComparison.Ordinal);
        Assert.Contains("table ip docker_nat", tables, StringComparison.Ordinal);

        // The other tables are exactly as they were: the ruleset after is the ruleset before minus our table.
        var after = ns.Exec("nft", "list", "ruleset").EnsureSuccess("ruleset after").StdOut;
        foreach (var table in (string[])["table inet filter", "table ip portveil", "table ip docker_nat"])
        {
            Assert.Equal(Block(before, table), Block(after, table));
        }
    }

    [Fact]
    public void Uninstall_removes_the_unit_link_and_program_and_keeps_config_and_database()
    {
        using var ns = NetworkNamespace.Create("uni");
        using var tree = InstallTree.Create();
        tree.Install().EnsureSuccess("install");
        // `systemctl enable` leaves this link; without systemd, uninstall removes it itself.
        var wants = tree.PathOf("/etc/systemd/system/multi-user.target.wants/portveil.service");
        Directory.CreateDirectory(Path.GetDirectoryName(wants)!);
        File.CreateSymbolicLink(wants, "/etc/systemd/system/portveil.service");
        File.WriteAllText(tree.PathOf("/var/lib/portveil/portveil.db"), "evidence");

        var run = ns.Exec("dotnet", [Portveil, "uninstall", "--root", tree.Root], TestTimeouts.Command);
        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        Assert.Contains("PortVeil is uninstalled.", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("not this host's service: systemctl not used", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("no table inet portveil", run.StdOut, StringComparison.Ordinal);

        Assert.False(File.Exists(tree.PathOf("/etc/systemd/system/portveil.service")));
        Assert.Null(new FileInfo(wants).LinkTarget);
        Assert.Null(new FileInfo(tree.PathOf("/usr/local/bin/portveil")).LinkTarget);
        Assert.False(Directory.Exists(tree.PathOf("/usr/local/lib/portveil")));

        Assert.True(File.Exists(tree.PathOf("/etc/portveil/portveil.toml")));
        Assert.True(File.Exists(tree.PathOf("/etc/portveil/api.token")));
        Assert.Equal("evidence", File.ReadAllText(tree.PathOf("/var/lib/portveil/portveil.db")));
    }

    [Fact]
    public void Uninstall_with_purge_also_removes_config_token_and_database()
    {
        using var ns = NetworkNamespace.Create("uni");
        using var tree = InstallTree.Create();
        tree.Install().EnsureSuccess("install");

        var run = ns.Exec("dotnet", [Portveil, "uninstall", "--root", tree.Root, "--purge"], TestTimeouts.Command);
        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        Assert.False(Directory.Exists(tree.PathOf("/etc/portveil")));
        Assert.False(Directory.Exists(tree.PathOf("/var/lib/portveil")));
        Assert.False(File.Exists(tree.PathOf("/etc/systemd/system/portveil.service")));
        // The root itself and unrelated directories stay.
        Assert.True(Directory.Exists(tree.PathOf("/etc/systemd/system")));
    }

    [Fact]
    public void Uninstall_twice_reports_everything_absent_and_still_succeeds()
    {
        using var ns = NetworkNamespace.Create("uni");
        using var tree = InstallTree.Create();
        tree.Install().EnsureSuccess("install");
        ns.Exec("dotnet", [Portveil, "uninstall", "--root", tree.Root], TestTimeouts.Command).EnsureSuccess("first uninstall");

        var again = ns.Exec("dotnet", [Portveil, "uninstall", "--root", tree.Root, "--output", "json"], TestTimeouts.Command);
        Assert.True(again.ExitCode == 0, again.StdErr + again.StdOut);
        using var report = JsonDocument.Parse(again.StdOut);
        var outcomes = report.RootElement.GetProperty("steps").EnumerateArray()
            .Where(s => s.GetProperty("step").GetString() is "unit" or "program" or "table")
            .Select(s => s.GetProperty("outcome").GetString()).ToList();
        Assert.NotEmpty(outcomes);
        Assert.All(outcomes, o => Assert.Equal("absent", o));
    }

    [Fact]
    public void A_relative_root_is_refused()
    {
        var (exit, _, err) = Cli("uninstall", "--root", "relative/dir");
        Assert.Equal(2, exit);
        Assert.Contains("absolute", err, StringComparison.Ordinal);
    }

    private static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = PortVeil.Cli.Program.BuildRoot().Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The text of one `table …` block in `nft list ruleset` output, up to its closing brace at column 0.</summary>
    private static string Block(string ruleset, string header)
    {
        var start = ruleset.IndexOf(header + " {", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{header} missing from:\n{ruleset}");
        var end = ruleset.IndexOf("\n}", start, StringComparison.Ordinal);
        return ruleset[start..(end + 2)];
    }
}
