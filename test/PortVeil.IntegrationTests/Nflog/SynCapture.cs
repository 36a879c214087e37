using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Nflog;

/// <summary>
/// Ground truth for NFLOG field checks: tcpdump captures the IPv4 SYNs arriving on a host's eth0 while a test
/// runs, and the decoded header fields are read back from `tcpdump -v`.
/// </summary>
internal sealed partial class SynCapture : IDisposable
{
    private readonly string _file;
    private readonly StartedProcess _tcpdump;

    /// <summary>What tcpdump printed for one SYN.</summary>
    public sealed record Syn(int SourcePort, int DestinationPort, uint Sequence, int Ttl, int IpId, int Window, string Options);

    private SynCapture(string file, StartedProcess tcpdump)
    {
        _file = file;
        _tcpdump = tcpdump;
    }

    /// <remarks>
    /// --immediate-mode matters: without it libpcap's TPACKET_V3 ring hands packets over only when a block fills
    /// or its 1 s timeout passes, so a capture stopped right after a 0.5 s scan held nothing.
    /// </remarks>
    public static SynCapture Start(LabHost host)
    {
        var file = Path.Combine(Path.GetTempPath(), $"pv-syn-{Guid.NewGuid():N}.pcap");
        var tcpdump = host.Start("tcpdump", "-i", host.Interface, "-n", "-U", "--immediate-mode", "-s", "128", "-w", file, "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn");
        var capture = new SynCapture(file, tcpdump);
        // tcpdump writes the 24-byte file header once the capture is active; wait for it (bounded).
        var clock = Stopwatch.StartNew();
        while (!(File.Exists(file) && new FileInfo(file).Length >= 24))
        {
            if (clock.Elapsed > TestTimeouts.Event || tcpdump.Process.HasExited)
            {
                capture.Dispose();
                throw new InvalidOperationException($"tcpdump did not start: {tcpdump.StdErr}");
            }

            Thread.Sleep(20);
        }

        return capture;
    }

    /// <summary>Stops the capture and returns every SYN it saw.</summary>
    public IReadOnlyList<Syn> Stop()
    {
        // SIGINT (to the tcpdump we started, by PID) lets it write out what it has before exiting.
        ProcessRunner.Run("kill", "-INT", _tcpdump.Process.Id.ToString(CultureInfo.InvariantCulture));
        _tcpdump.WaitForExit(TestTimeouts.Command);
        _tcpdump.Dispose();
        var text = ProcessRunner.Run("tcpdump", "-n", "-v", "-r", _file).EnsureSuccess("tcpdump -r").StdOut;
        var syns = new List<Syn>();
        foreach (Match m in SynLine().Matches(text))
        {
            syns.Add(new Syn(
                int.Parse(m.Groups["sport"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["dport"].Value, CultureInfo.InvariantCulture),
                uint.Parse(m.Groups["seq"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["ttl"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["win"].Value, CultureInfo.InvariantCulture),
                m.Groups["opt"].Value));
        }

        return syns;
    }

    // IP (tos 0x0, ttl 44, id 5678, offset 0, flags [none], proto TCP (6), length 44)
    //     198.51.100.101.61234 > 203.0.113.10.22: Flags [S], cksum 0x1 (correct), seq 123, win 1024, options [mss 1460], length 0
    [GeneratedRegex(@"ttl (?<ttl>\d+), id (?<id>\d+),[^\n]*\n\s+[\d.]+\.(?<sport>\d+) > [\d.]+\.(?<dport>\d+): Flags \[S\],[^\n]*? seq (?<seq>\d+), win (?<win>\d+)(?:, options \[(?<opt>[^\]]*)\])?")]
    private static partial Regex SynLine();

    public void Dispose()
    {
        _tcpdump.Dispose();
        File.Delete(_file);
    }
}
