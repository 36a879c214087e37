using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Demo;

/// <summary>
/// `portveil demo` end to end, as root: real namespaces, real nmap, a real in-process daemon. The unprotected scan
/// must find the lab's four open ports (one of them DNATed to a container); the protected one none.
/// </summary>
[Collection(DaemonCollection.Name)]
public class DemoCommandTests
{
    private static readonly int[] LabPorts = [22, 80, 443, 8080];

    [Fact]
    public async Task Demo_json_shows_every_open_port_unprotected_none_protected_and_the_ban_explained()
    {
        var before = DemoNamespaces();
        var (exit, stdout, stderr) = await InvokeAsync("demo", "--output", "json");
        Assert.True(exit == 0, stderr + stdout);

        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(LabPorts, Ints(root.GetProperty("unprotected").GetProperty("open_ports")));
        var protectedScan = root.GetProperty("protected");
        Assert.Empty(Ints(protectedScan.GetProperty("open_ports")));
        Assert.True(protectedScan.GetProperty("banned").GetBoolean());
        Assert.True(protectedScan.GetProperty("seconds_to_ban").GetDouble() > 0);
        Assert.StartsWith("[portveil] Ban 198.51.100.66 ", protectedScan.GetProperty("ban_line").GetString(), StringComparison.Ordinal);
        // Progress went to stderr so stdout stays one JSON document.
        Assert.Contains("1/2 nmap", stderr, StringComparison.Ordinal);

        Assert.Subset(before, DemoNamespaces());
    }

    [Fact]
    public async Task Demo_text_puts_the_two_scans_side_by_side()
    {
        var (exit, stdout, stderr) = await InvokeAsync("demo");
        Assert.True(exit == 0, stderr + stdout);
        var row = stdout.Split('\n').Single(l => l.Contains("open ports nmap saw", StringComparison.Ordinal));
        var cells = row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["open ports nmap saw", "22, 80, 443, 8080", "none"], cells);
        Assert.Contains(stdout.Split('\n'), l => l.Contains("scanner banned", StringComparison.Ordinal) && l.Contains("yes", StringComparison.Ordinal));
        Assert.Contains("Why: [portveil] Ban 198.51.100.66", stdout, StringComparison.Ordinal);
        Assert.Contains("the scanner learned no open port", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_interrupted_by_ctrl_c_removes_its_namespaces()
    {
        var before = DemoNamespaces();
        // env resets SIGINT to its default: a test run started in the background (nohup, `cmd &` without job control)
        // inherits SIGINT ignored, and .NET keeps an ignored SIGINT ignored, so Ctrl+C would never reach the demo.
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--default-signal=INT");
        psi.ArgumentList.Add("dotnet");
        psi.ArgumentList.Add(typeof(PortVeil.Cli.Program).Assembly.Location);
        psi.ArgumentList.Add("demo");
        using var demo = Process.Start(psi)!;
        var stderr = demo.StandardError.ReadToEndAsync();
        try
        {
            // Interrupt during the first scan, when the whole lab exists.
            string? line;
            while ((line = demo.StandardOutput.ReadLine()) is not null && !line.StartsWith("1/2", StringComparison.Ordinal))
            {
            }

            Assert.NotNull(line);
            var created = DemoNamespaces().Except(before).ToList();
            Assert.Equal(3, created.Count);

            ProcessRunner.Run("kill", "-INT", demo.Id.ToString(CultureInfo.InvariantCulture)).EnsureSuccess("kill -INT");
            // Bound: nmap killed, the lab's processes stopped and three namespaces deleted; on a loaded 2-core CI
            // machine that took over 20 s once, so allow a command's bound.
            Assert.True(demo.WaitForExit(TestTimeouts.Command), "the demo did not stop on Ctrl+C");
            Assert.Equal(130, demo.ExitCode);
            Assert.Empty(DemoNamespaces().Intersect(created));
            Assert.Contains("cancelled; the lab was removed", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!demo.HasExited)
            {
                demo.Kill(entireProcessTree: true);
                demo.WaitForExit(TestTimeouts.Command);
            }

            // The demo's own cleanup failed or never ran: delete the namespaces it left (only those created here).
            foreach (var leftover in DemoNamespaces().Except(before))
            {
                ProcessRunner.Run("ip", "netns", "del", leftover);
            }
        }
    }

    [Fact]
    public async Task Ports_other_than_digits_commas_and_dashes_are_refused_before_anything_runs()
    {
        var (exit, _, stderr) = await InvokeAsync("demo", "--ports", "22;reboot");
        Assert.NotEqual(0, exit);
        Assert.Contains("--ports takes digits, commas and dashes only", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Out, string Err)> InvokeAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await PortVeil.Cli.Program.BuildRoot().Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>The demo's namespaces on this host now (other runs' too: tests compare before and after).</summary>
    private static HashSet<string> DemoNamespaces() =>
        [.. ProcessRunner.Run("ip", "netns", "list").EnsureSuccess("ip netns list").StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[0])
            .Where(n => n.StartsWith("pvdemo-", StringComparison.Ordinal))];
}
