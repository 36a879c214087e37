using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Install;

/// <summary>
/// The unit's restrictions, reproduced without systemd (this host's PID 1 is not systemd): `portveil run` with only
/// the capabilities named in packaging/portveil.service (setpriv bounding, inheritable and ambient sets), RLIMIT_RTPRIO
/// 0 (prlimit; the unit sets no LimitRTPRIO, so it keeps the kernel's default), no new privileges, a read-only root
/// file system except its state directory (ProtectSystem=strict + ReadWritePaths),
/// read-only /proc/sys and /sys (ProtectKernelTunables: nftables and NFLOG use netlink, not sysctl files), and
/// systemd's watchdog environment. It must still create its table, ban a real nmap scan and ping WATCHDOG=1.
/// </summary>
[Collection(DaemonCollection.Name)]
[SupportedOSPlatform("linux")]
public class UnitSandboxTests
{
    // Runs inside `unshare --mount`: the state directory becomes its own writable mount, then / is remounted
    // read-only (ProtectSystem=strict + ReadWritePaths), then /proc/sys and /sys (ProtectKernelTunables), then the
    // rest of the arguments run. Paths arrive as arguments, never spliced into the script.
    private const string ReadOnlyRoot =
        "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro / "
        + "&& mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys "
        + "&& mount --bind /sys /sys && mount -o remount,bind,ro /sys && shift && exec \"$@\"";

    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode700 = Mode600 | UnixFileMode.UserExecute;

    /// <summary>
    /// With the unit's capabilities, and again with CAP_NET_ADMIN alone (to show which ones the daemon needs). The
    /// daemon creates its database directory (0700), its database (0600, WAL files too) and its API token (0600)
    /// itself, and its effective capability set is exactly what it was given, with no_new_privs set. With the
    /// unit's CAP_SYS_NICE (and RLIMIT_RTPRIO 0, so the capability is what grants it) its two ban-path threads run
    /// under SCHED_FIFO at priority 10 (the default sensor.realtime_priority), as read back from the kernel;
    /// without it they run at normal scheduling, the refusal is logged in plain words, and it still bans.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Portveil_run_with_only_the_units_capabilities_and_a_read_only_system_bans_a_scanner_and_pings_the_watchdog(bool netAdminOnly)
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        using var listener = LabTcpListener.Start(lab.Server, 22);
        var state = Directory.CreateTempSubdirectory("pv-sandbox-");
        try
        {
            File.SetUnixFileMode(state.FullName, Mode700);
            // Neither directory exists yet: the daemon makes them, as on a fresh install's first start.
            var database = Path.Combine(state.FullName, "lib", "portveil.db");
            var tokenFile = Path.Combine(state.FullName, "etc", "api.token");
            var config = Path.Combine(state.FullName, "portveil.toml");
            File.WriteAllText(config, $"[api]\ntoken_file = \"{tokenFile}\"\n");
            var notifyPath = Path.Combine(state.FullName, "notify");
            using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            systemd.Bind(new UnixDomainSocketEndPoint(notifyPath));

            var caps = netAdminOnly ? "-all,+net_admin" : SetprivCapabilities();
            using var daemon = lab.Server.Start("env",
                "NOTIFY_SOCKET=" + notifyPath, "WATCHDOG_USEC=2000000",
                "unshare", "--mount", "--propagation", "private", "sh", "-c", ReadOnlyRoot, "sh", state.FullName,
                "prlimit", "--rtprio=0:0",
                "setpriv", "--bounding-set=" + caps, "--inh-caps=" + caps, "--ambient-caps=" + caps, "--no-new-privs",
                "dotnet", Path.Combine(InstallTree.CliBuildOutput, "portveil.dll"), "run", "--config", config, "--database", database);

            Assert.True(DaemonProcessReadiness.WaitUntilReady(lab.Server, 22), "not ready under the unit's restrictions: " + Stopped(daemon));
            Assert.Equal("WATCHDOG=1", Receive(systemd));
            AssertPrivileges(daemon.Process.Id, netAdminOnly ? CapNetAdmin : CapNetAdmin | CapSysNice);
            Assert.Equal(0, RtprioLimit(daemon.Process.Id));
            var policies = BanPathThreadPolicies(daemon.Process.Id);
            Assert.Equal(2, policies.Count);
            var expected = netAdminOnly ? (SchedOther, 0) : (SchedFifo, 10);
            Assert.All(policies, p => Assert.True(p.Value == expected, $"thread {p.Key}: policy and priority {p.Value}, expected {expected}"));
            Assert.True(WaitFor(() => File.Exists(tokenFile)), "the API token was not created");

            var scanner = lab.Scanners[0];
            var scan = Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-300");
            Assert.Empty(scan.OpenPorts);
            Assert.True(DaemonProcessReadiness.WaitUntilBanned(lab.Server, scanner.IPv4), "the scanner was not banned: " + Stopped(daemon));
            Assert.True(File.Exists(database));
            Assert.Equal(Mode700, File.GetUnixFileMode(Path.GetDirectoryName(database)!));
            Assert.All(Directory.GetFiles(Path.GetDirectoryName(database)!), f => Assert.True(File.GetUnixFileMode(f) == Mode600, $"{f} is {File.GetUnixFileMode(f)}"));
            Assert.Equal(Mode600, File.GetUnixFileMode(tokenFile));

            // Still pinging after the work: the pipeline is alive.
            Assert.Equal("WATCHDOG=1", Receive(systemd));
            ProcessRunner.Run("kill", "-TERM", daemon.Process.Id.ToString(CultureInfo.InvariantCulture)).EnsureSuccess("kill -TERM");
            Assert.True(daemon.WaitForExit(TestTimeouts.Event), "the daemon did not stop on SIGTERM");
            Assert.Equal(0, daemon.Process.ExitCode);
            var log = daemon.StdOut + daemon.StdErr;
            if (netAdminOnly)
            {
                // Once for the daemon, not once per thread.
                Assert.Single(log.Split("refused real-time priority", StringSplitOptions.None)[1..]);
                Assert.Contains("RLIMIT_RTPRIO is 0", log, StringComparison.Ordinal);
                Assert.Contains("LimitRTPRIO", log, StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain("refused real-time priority", log, StringComparison.Ordinal);
            }
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    private const ulong CapNetAdmin = 1UL << 12;
    private const ulong CapSysNice = 1UL << 23;
    private const int SchedOther = 0;
    private const int SchedFifo = 1;

    /// <summary>
    /// The scheduling policy and real-time priority (fields 41 and 40 of /proc/PID/task/TID/stat, read back from the
    /// kernel) of the daemon's NFLOG reader and detection threads, by thread name (the kernel keeps 15 characters:
    /// "portveil detect").
    /// </summary>
    private static Dictionary<string, (int Policy, int Priority)> BanPathThreadPolicies(int pid)
    {
        var policies = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                if (name is "nflog reader" or "portveil detect")
                {
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    policies[name] = (int.Parse(fields[41 - 3], CultureInfo.InvariantCulture), int.Parse(fields[40 - 3], CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
                // A thread that ended while we looked.
            }
        }

        return policies;
    }

    /// <summary>The daemon's own capability sets (/proc/PID/status): effective and permitted exactly as given.</summary>
    private static void AssertPrivileges(int pid, ulong expected)
    {
        // `ip netns exec`, env, unshare, sh's exec and setpriv all exec in place: the PID started is the daemon's.
        Assert.Equal("dotnet", File.ReadAllText($"/proc/{pid}/comm").Trim());
        var status = File.ReadAllLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim());
        Assert.Equal(expected, ulong.Parse(status["CapEff"], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.Equal(expected, ulong.Parse(status["CapPrm"], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.Equal(expected, ulong.Parse(status["CapBnd"], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.Equal("1", status["NoNewPrivs"]);
    }

    private static bool WaitFor(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; Thread.Sleep(100))
        {
            if (condition())
            {
                return true;
            }
        }

        return condition();
    }

    /// <summary>The daemon's RLIMIT_RTPRIO, soft and hard equal (/proc/PID/limits: "Max realtime priority  10  10").</summary>
    private static int RtprioLimit(int pid)
    {
        var line = File.ReadAllLines($"/proc/{pid}/limits").Single(l => l.StartsWith("Max realtime priority", StringComparison.Ordinal));
        var values = line["Max realtime priority".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(values[0], values[1]);
        return int.Parse(values[0], CultureInfo.InvariantCulture);
    }

    /// <summary>CapabilityBoundingSet=CAP_NET_ADMIN CAP_SYS_NICE in the unit → "-all,+net_admin,+sys_nice" for setpriv.</summary>
    private static string SetprivCapabilities()
    {
        var line = File.ReadAllLines(InstallTree.UnitSource).Single(l => l.StartsWith("CapabilityBoundingSet=", StringComparison.Ordinal));
        var names = line["CapabilityBoundingSet=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(names);
        return "-all," + string.Join(',', names.Select(n => "+" + n["CAP_".Length..].ToLowerInvariant()));
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[256];
        socket.ReceiveTimeout = (int)TestTimeouts.Event.TotalMilliseconds;
        try
        {
            return Encoding.ASCII.GetString(buffer, 0, socket.Receive(buffer));
        }
        catch (SocketException e)
        {
            return "(nothing: " + e.SocketErrorCode + ")";
        }
    }

    private static string Stopped(StartedProcess daemon) =>
        daemon.Process.HasExited ? $"exited {daemon.Process.ExitCode}: {daemon.StdErr}{daemon.StdOut}" : "still running";
}
