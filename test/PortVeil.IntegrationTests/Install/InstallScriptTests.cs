using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Install;

/// <summary>scripts/install.sh into a temporary root: every file, its mode and its contents; the unit checked by systemd itself.</summary>
[SupportedOSPlatform("linux")]
public partial class InstallScriptTests
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode0640 = Mode0600 | UnixFileMode.GroupRead;
    private const UnixFileMode Mode0700 = Mode0600 | UnixFileMode.UserExecute;
    private const UnixFileMode Mode0644 = Mode0640 | UnixFileMode.OtherRead;

    [Fact]
    public void Install_puts_the_program_link_config_token_state_and_unit_in_place_with_tight_modes()
    {
        using var tree = InstallTree.Create();
        var run = tree.Install();
        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        Assert.Contains("DESTDIR is set: not enabling or starting anything", run.StdOut, StringComparison.Ordinal);

        // The program, and a link to where it will be once the tree is in place (not into the staging root).
        Assert.True(File.Exists(tree.PathOf("/usr/local/lib/portveil/portveil.dll")));
        Assert.Equal("/usr/local/lib/portveil/portveil", new FileInfo(tree.PathOf("/usr/local/bin/portveil")).LinkTarget);

        // The configuration is exactly `portveil config default`: every key, commented.
        var toml = File.ReadAllText(tree.PathOf("/etc/portveil/portveil.toml"));
        var fromCli = ProcessRunner.Run("dotnet", Path.Combine(InstallTree.CliBuildOutput, "portveil.dll"), "config", "default").EnsureSuccess("config default").StdOut;
        Assert.Equal(fromCli, toml);
        Assert.StartsWith("# PortVeil configuration: /etc/portveil/portveil.toml", toml, StringComparison.Ordinal);
        Assert.Equal(Mode0640, tree.ModeOf("/etc/portveil/portveil.toml"));

        // 32 random bytes in hex, root only.
        var token = File.ReadAllText(tree.PathOf("/etc/portveil/api.token"));
        Assert.Matches(HexToken(), token);
        Assert.Equal(Mode0600, tree.ModeOf("/etc/portveil/api.token"));

        Assert.True(Directory.Exists(tree.PathOf("/var/lib/portveil")));
        Assert.Equal(Mode0700, tree.ModeOf("/var/lib/portveil"));

        var unit = File.ReadAllText(tree.PathOf("/etc/systemd/system/portveil.service"));
        Assert.Equal(File.ReadAllText(InstallTree.UnitSource), unit);
        Assert.Equal(Mode0644, tree.ModeOf("/etc/systemd/system/portveil.service"));
    }

    [Fact]
    public void Running_install_again_keeps_an_edited_config_and_the_existing_token()
    {
        using var tree = InstallTree.Create();
        tree.Install().EnsureSuccess("first install");
        var configPath = tree.PathOf("/etc/portveil/portveil.toml");
        File.WriteAllText(configPath, "[daemon]\ndry_run = true\n");
        var token = File.ReadAllText(tree.PathOf("/etc/portveil/api.token"));

        var again = tree.Install().EnsureSuccess("second install");
        Assert.Contains("portveil.toml exists: kept", again.StdOut, StringComparison.Ordinal);
        Assert.Equal("[daemon]\ndry_run = true\n", File.ReadAllText(configPath));
        Assert.Equal(token, File.ReadAllText(tree.PathOf("/etc/portveil/api.token")));
    }

    [Fact]
    public void Two_installs_get_different_tokens()
    {
        using var a = InstallTree.Create();
        using var b = InstallTree.Create();
        a.Install().EnsureSuccess("install a");
        b.Install().EnsureSuccess("install b");
        Assert.NotEqual(File.ReadAllText(a.PathOf("/etc/portveil/api.token")), File.ReadAllText(b.PathOf("/etc/portveil/api.token")));
    }

    [Fact]
    public void A_custom_prefix_moves_the_program_and_the_units_ExecStart()
    {
        using var tree = InstallTree.Create();
        tree.Install("PREFIX=/opt/portveil").EnsureSuccess("install with PREFIX");
        Assert.Equal("/opt/portveil/lib/portveil/portveil", new FileInfo(tree.PathOf("/opt/portveil/bin/portveil")).LinkTarget);
        var unit = File.ReadAllLines(tree.PathOf("/etc/systemd/system/portveil.service"));
        Assert.Contains("ExecStart=/opt/portveil/bin/portveil run --config /etc/portveil/portveil.toml", unit);
        Assert.False(Directory.Exists(tree.PathOf("/usr/local")));
    }

    [Fact]
    public void The_installed_unit_passes_systemd_analyze_verify_without_a_warning()
    {
        using var tree = InstallTree.Create();
        tree.Install().EnsureSuccess("install");

        // verify checks that ExecStart is executable on this host: point it at the staged program.
        var staged = Path.Combine(tree.Root, "verify", "portveil.service");
        Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
        var unit = File.ReadAllText(tree.PathOf("/etc/systemd/system/portveil.service"))
            .Replace("ExecStart=/usr/local/bin/portveil", "ExecStart=" + tree.PathOf("/usr/local/lib/portveil/portveil"), StringComparison.Ordinal);
        File.WriteAllText(staged, unit);

        var verify = ProcessRunner.Run("systemd-analyze", "verify", staged);
        Assert.True(verify.ExitCode == 0, verify.StdErr);
        // systemd-analyze exits 0 even for a misspelt setting; it only warns. Any output is a finding.
        Assert.Equal("", verify.StdErr.Trim());

        // Control: a misspelt value is reported, so the silence above means something.
        File.WriteAllText(staged, unit.Replace("ProtectSystem=strict", "ProtectSystem=strikt", StringComparison.Ordinal));
        Assert.Contains("protect system", ProcessRunner.Run("systemd-analyze", "verify", staged).StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_unit_keeps_only_net_admin_and_sys_nice_and_rates_as_well_hardened()
    {
        var unit = File.ReadAllLines(InstallTree.UnitSource);
        Assert.Contains("Type=notify", unit);
        Assert.Contains(unit, l => l.StartsWith("WatchdogSec=", StringComparison.Ordinal));
        Assert.Contains("CapabilityBoundingSet=CAP_NET_ADMIN CAP_SYS_NICE", unit);
        Assert.Contains("AmbientCapabilities=CAP_NET_ADMIN CAP_SYS_NICE", unit);

        // SCHED_FIFO for the ban-path threads: RestrictRealtime=yes would refuse it whatever the capabilities.
        Assert.DoesNotContain(unit, l => l.StartsWith("RestrictRealtime=yes", StringComparison.Ordinal));
        Assert.Contains("ProtectSystem=strict", unit);
        Assert.Contains("ReadWritePaths=/var/lib/portveil", unit);
        Assert.Contains("PrivateTmp=yes", unit);
        Assert.Contains("NoNewPrivileges=yes", unit);
        Assert.Contains("RestrictAddressFamilies=AF_NETLINK AF_UNIX AF_INET AF_INET6", unit);
        Assert.DoesNotContain(unit, l => l.StartsWith("PrivateNetwork=yes", StringComparison.Ordinal));
        Assert.DoesNotContain(unit, l => l.StartsWith("MemoryDenyWriteExecute=yes", StringComparison.Ordinal));

        // systemd's own score, 0 (locked down) to 10 (exposed); "OK" ends below 5 in systemd 252.
        var security = ProcessRunner.Run("systemd-analyze", "security", "--offline=true", "--no-pager", InstallTree.UnitSource);
        var match = Exposure().Match(security.StdOut + security.StdErr);
        Assert.True(match.Success, security.StdOut + security.StdErr);
        var exposure = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(exposure <= 3.0, $"exposure {exposure}:\n{security.StdOut}");
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HexToken();

    [GeneratedRegex(@"Overall exposure level for portveil\.service: ([0-9.]+)")]
    private static partial Regex Exposure();
}
