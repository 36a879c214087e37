using System.Globalization;
using System.Text.RegularExpressions;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Install;

/// <summary>
/// The unit's SystemCallFilter= cannot be applied here without systemd as PID 1, so this checks it the other way
/// round: every system call `portveil run` makes while it starts, bans a real nmap scan and stops (traced with
/// strace -f) must be in the set the unit allows, as systemd-analyze expands it.
/// </summary>
[Collection(DaemonCollection.Name)]
public partial class SyscallFilterTests
{
    [Fact]
    public void Every_system_call_of_a_daemon_run_is_allowed_by_the_units_SystemCallFilter()
    {
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in UnitValue("SystemCallFilter").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Expand(group, allowed);
        }

        Assert.True(allowed.Count > 100, $"systemd-analyze expanded the filter to only {allowed.Count} calls");

        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        using var listener = LabTcpListener.Start(lab.Server, 22);
        var state = Directory.CreateTempSubdirectory("pv-strace-");
        try
        {
            var trace = Path.Combine(state.FullName, "trace");
            using (var daemon = lab.Server.Start("strace", "-f", "-qq", "-o", trace,
                "dotnet", Path.Combine(InstallTree.CliBuildOutput, "portveil.dll"), "run", "--database", Path.Combine(state.FullName, "portveil.db")))
            {
                Assert.True(DaemonProcessReadiness.WaitUntilReady(lab.Server, 22), "the traced daemon never became ready");
                var scanner = lab.Scanners[0];
                Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-200");
                Assert.True(DaemonProcessReadiness.WaitUntilBanned(lab.Server, scanner.IPv4), "the traced daemon did not ban the scanner");
                // SIGTERM to the daemon itself (strace's child, as systemd would send it), so its shutdown is traced too.
                var strace = daemon.Process.Id.ToString(CultureInfo.InvariantCulture);
                var child = File.ReadAllText($"/proc/{strace}/task/{strace}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                ProcessRunner.Run("kill", "-TERM", child).EnsureSuccess("kill -TERM");
                Assert.True(daemon.WaitForExit(TestTimeouts.Event + TestTimeouts.Event), "the traced daemon did not stop");
            }

            var used = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(trace))
            {
                var m = Call().Match(line);
                if (m.Success)
                {
                    used.Add(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
                }
            }

            Assert.True(used.Count > 30, $"strace saw only {used.Count} distinct calls");
            Assert.Contains("sendmsg", used);
            var outside = used.Where(c => !allowed.Contains(c)).ToList();
            Assert.True(outside.Count == 0, "calls the unit's filter would refuse (EPERM): " + string.Join(", ", outside));
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    private static string UnitValue(string key) =>
        File.ReadAllLines(InstallTree.UnitSource).Single(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];

    /// <summary>`systemd-analyze syscall-filter @group` lists calls and nested @groups, with # comment lines.</summary>
    private static void Expand(string group, HashSet<string> into)
    {
        var listing = ProcessRunner.Run("systemd-analyze", "syscall-filter", group).EnsureSuccess("syscall-filter " + group).StdOut;
        foreach (var raw in listing.Split('\n'))
        {
            var item = raw.Trim();
            if (item.Length == 0 || item[0] == '#' || item == group)
            {
                continue;
            }

            if (item[0] == '@')
            {
                Expand(item, into);
            }
            else
            {
                into.Add(item);
            }
        }
    }

    // "1234  openat(AT_FDCWD, ..." or "1234  <... futex resumed>...".
    [GeneratedRegex(@"^\d+\s+(?:([a-z0-9_]+)\(|<\.\.\. ([a-z0-9_]+) resumed>)")]
    private static partial Regex Call();
}
