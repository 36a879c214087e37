using System.Diagnostics;
using System.Globalization;
using PortVeil.Core;
using PortVeil.Sensors;
using PortVeil.Sensors.Decoding;
using PortVeil.Sensors.Pcap;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Sensors;

/// <summary>
/// The link types the corpus lacks, written by the real tcpdump/libpcap inside a lab: NFLOG (239) from an nft
/// `log group` rule, Linux cooked v2 (276) from `-i any`, and nanosecond Ethernet with a 96-byte snaplen. Each file
/// must give the real nmap SYNs, IPv4 and IPv6, that reached the server.
/// </summary>
public class RealCaptureFormatsTests
{
    private const string Group = "7";

    // Constant ruleset for the server namespace only: log the probes to ports 9-12, accept everything.
    private const string LogRules = """
        table inet pvcapture {
            chain input {
                type filter hook input priority 0; policy accept;
                tcp dport 9-12 log group 7
            }
        }
        """;

    private static readonly int[] Ports = [9, 10, 11, 12];

    [Fact]
    public void Nflog_linux_cooked_v2_and_nanosecond_captures_by_tcpdump_give_the_scanners_syns()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        var server = lab.Server;
        server.Exec("nft", ["-f", "-"], TestTimeouts.Command, LogRules).EnsureSuccess("nft -f - (server)");

        var dir = Directory.CreateTempSubdirectory("pv-capture-");
        try
        {
            var nflog = Path.Combine(dir.FullName, "nflog.pcap");
            var any = Path.Combine(dir.FullName, "any.pcap");
            var nano = Path.Combine(dir.FullName, "eth0-ns.pcap");
            using (var a = StartCapture(server, nflog, "-i", "nflog:" + Group))
            using (var b = StartCapture(server, any, "-i", "any", "-s", "128", "tcp portrange 9-12"))
            using (var c = StartCapture(server, nano, "-i", "eth0", "-s", "96", "--time-stamp-precision=nano", "tcp portrange 9-12"))
            {
                var scanner = lab.Scanners[0];
                Nmap.Scan(scanner, LabTopology.ServerIPv4, "-sS", "-Pn", "-p", "9-12");
                Nmap.Scan(scanner, LabTopology.ServerIPv6, "-6", "-sS", "-Pn", "-p", "9-12");

                // nfnetlink_log holds messages until its flush timeout (1 s; libpcap keeps the default): wait for
                // the 8 logged SYNs to reach the file before stopping the capture.
                WaitForRecords(nflog, 8);
                Stop(a);
                Stop(b);
                Stop(c);
            }

            var v4 = NetAddress.Parse(lab.Scanners[0].IPv4);
            var v6 = NetAddress.Parse(lab.Scanners[0].IPv6!);
            AssertSyns(nflog, LinkType.Nflog, v4, v6, snapLength: null);
            AssertSyns(any, LinkType.LinuxSll2, v4, v6, snapLength: 128);
            AssertSyns(nano, LinkType.Ethernet, v4, v6, snapLength: 96);

            using var nanoReader = new PcapReader(nano);
            Assert.True(nanoReader.NanosecondResolution);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void AssertSyns(string file, LinkType linkType, NetAddress v4, NetAddress v6, int? snapLength)
    {
        using var reader = new PcapReader(file);
        Assert.Equal(linkType, reader.LinkType);
        if (snapLength is { } s)
        {
            Assert.Equal(s, reader.SnapLength);
        }

        var seen = new HashSet<(IpFamily, ushort)>();
        while (reader.TryRead(out var p))
        {
            if ((p.Source == v4 || p.Source == v6) && p.IsTcpSyn)
            {
                seen.Add((p.Family, p.DestinationPort));

                // nmap's raw SYN: a lone MSS option.
                Assert.Equal(1, p.Options.Count);
                Assert.Equal(TcpOptionKind.Mss, p.Options.KindAt(0));
                Assert.False(p.Options.Malformed);
                Assert.True(p.TimestampNs > 1_700_000_000_000_000_000, "capture time is wall-clock nanoseconds");
            }
        }

        Assert.Equal(0, reader.Errors.Count);
        foreach (var port in Ports)
        {
            Assert.True(seen.Contains((IpFamily.IPv4, (ushort)port)), $"{Path.GetFileName(file)}: no IPv4 SYN to {port} in {string.Join(", ", seen)} ({reader.Packets} packets)");
            Assert.True(seen.Contains((IpFamily.IPv6, (ushort)port)), $"{Path.GetFileName(file)}: no IPv6 SYN to {port} in {string.Join(", ", seen)} ({reader.Packets} packets)");
        }

        using var sniffed = CaptureFile.Open(file);
        Assert.Equal(CaptureFormat.Pcap, sniffed.Format);
    }

    /// <remarks>--immediate-mode and -U: packets reach the file as they arrive, so SIGINT right after the scan loses none.</remarks>
    private static StartedProcess StartCapture(LabHost host, string file, params string[] options)
    {
        var tcpdump = host.Start("tcpdump", ["-n", "-U", "--immediate-mode", "-w", file, .. options]);
        var clock = Stopwatch.StartNew();
        while (!(File.Exists(file) && new FileInfo(file).Length >= 24))
        {
            if (clock.Elapsed > TestTimeouts.Event || tcpdump.Process.HasExited)
            {
                tcpdump.Dispose();
                throw new InvalidOperationException($"tcpdump {string.Join(' ', options)} did not start: {tcpdump.StdErr}");
            }

            Thread.Sleep(20);
        }

        return tcpdump;
    }

    private static void WaitForRecords(string file, int count)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TestTimeouts.Event)
        {
            using (var reader = new PcapReader(file))
            {
                while (reader.TryRead(out _))
                {
                }

                if (reader.Records >= count)
                {
                    return;
                }
            }

            Thread.Sleep(100);
        }
    }

    private static void Stop(StartedProcess tcpdump)
    {
        // SIGINT to the tcpdump this test started (by PID): it flushes and closes its file.
        ProcessRunner.Run("kill", "-INT", tcpdump.Process.Id.ToString(CultureInfo.InvariantCulture));
        tcpdump.WaitForExit(TestTimeouts.Command);
    }
}
