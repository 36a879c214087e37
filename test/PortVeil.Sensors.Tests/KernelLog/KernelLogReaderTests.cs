using PortVeil.Core;
using PortVeil.Sensors.KernelLog;
using PortVeil.Sensors.Pcap;
using PortVeil.Sensors.Tests.Pcap;
using PortVeil.Sensors.Tests.Support;
using PortVeil.TestSupport;

namespace PortVeil.Sensors.Tests.KernelLog;

public class KernelLogReaderTests
{
    private static readonly KernelLogOptions Utc2026 = new() { Year = 2026, TimeZone = TimeZoneInfo.Utc };

    public static TheoryData<string> CorpusLogs()
    {
        var data = new TheoryData<string>();
        foreach (var f in CorpusTruth.Files("*_klog.log"))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusLogs))]
    public void Every_corpus_log_parses_without_errors_and_its_scanners_probe_the_truths_ports(string file)
    {
        var truth = CorpusTruth.For(file);
        var path = RepoPaths.CorpusFile(file);
        using var reader = new KernelLogReader(path, Utc2026);
        var events = PcapReaderTests.ReadAll(reader);

        Assert.Equal(0, reader.Errors.Count);
        Assert.Equal(File.ReadAllLines(path).Length, reader.Records);
        Assert.Equal(reader.Records, events.Count);
        Assert.Equal(reader.TotalBytes, reader.BytesRead);
        Assert.All(events, e => Assert.Equal(PacketDirection.Inbound, e.Direction));
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].TimestampNs >= events[i - 1].TimestampNs, $"line {i + 1} goes back in time");
        }

        foreach (var scanner in truth.Scanners)
        {
            var stats = ScannerStats.Of(events, scanner.Source, truth.Targets);
            Assert.Equal(scanner.TcpPortsProbed, stats.TcpPorts.Count);
            Assert.Equal(scanner.UdpPortsProbed, stats.UdpPorts.Count);

            // The log holds the openers (no established-flow packets): its flag combinations are a subset of the capture's.
            Assert.All(stats.TcpFlags.Keys, k => Assert.Contains(k, scanner.TcpFlagsSent.Keys));
            var main = scanner.Scan switch
            {
                "syn" => "S",
                "fin" => "F",
                "null" => "NONE",
                "xmas" => "UPF",
                _ => null,
            };
            if (main is not null)
            {
                Assert.True(stats.TcpFlags.GetValueOrDefault(main) > 0, $"{scanner.Source} sent no {main} probe");
            }
        }

        foreach (var benign in truth.Benign)
        {
            Assert.DoesNotContain(benign, truth.Scanners.Select(s => s.Source));
        }
    }

    [Fact]
    public void S01_log_has_1000_distinct_syn_ports_from_the_scanner()
    {
        using var reader = new KernelLogReader(RepoPaths.CorpusFile("s01_nmap_syn_top1000_klog.log"), Utc2026);
        var scanner = NetAddress.Parse("198.51.100.7");
        var ports = new HashSet<ushort>();
        foreach (var e in PcapReaderTests.ReadAll(reader))
        {
            if (e.Source == scanner && e.IsTcpSyn)
            {
                ports.Add(e.DestinationPort);
            }
        }

        Assert.Equal(1000, ports.Count);
    }

    [Theory]
    [MemberData(nameof(CorpusLogs))]
    public void Every_log_line_within_the_capture_window_matches_a_packet_of_the_capture(string file)
    {
        // The logs start up to two minutes before their capture and hold the previous scenario's tail (the s06 log
        // has s03's FIN probes): only lines inside the capture's time window (±1 s) can be in the capture.
        var truth = CorpusTruth.For(file);
        using var log = new KernelLogReader(RepoPaths.CorpusFile(file), Utc2026);
        using var pcap = new PcapReader(RepoPaths.CorpusFile(Path.ChangeExtension(file, ".pcap")));
        var captured = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in PcapReaderTests.ReadAll(pcap))
        {
            var key = Key(e);
            captured[key] = captured.GetValueOrDefault(key) + 1;
        }

        var matched = 0;
        var logged = PcapReaderTests.ReadAll(log)
            .Where(e => e.TimestampNs >= truth.CaptureStartNs - 1_000_000_000 && e.TimestampNs <= truth.CaptureEndNs + 1_000_000_000)
            .ToList();
        Assert.True(logged.Count > 100);
        foreach (var e in logged)
        {
            var key = Key(e);
            if (captured.GetValueOrDefault(key) > 0)
            {
                captured[key]--;
                matched++;
            }
        }

        Assert.Equal(logged.Count, matched);
    }

    // Every field both sensors know; the capture clock and the syslog clock differ, so time is left out.
    private static string Key(PacketEvent e) =>
        $"{e.Source} {e.Destination} {e.Protocol} {e.SourcePort} {e.DestinationPort} {e.Flags} {e.Window} {e.Options} {e.IpId} {e.Ttl} {e.Length} {e.IcmpType} {e.IcmpCode}";

    [Fact]
    public void Half_and_garbage_lines_give_errors_with_line_and_offset_and_the_good_line_is_kept()
    {
        var path = Path.Combine(RepoPaths.Corpus, "bad", "half_and_garbage_lines.log");
        var lines = File.ReadAllBytes(path);
        using var reader = new KernelLogReader(path, Utc2026);
        var events = PcapReaderTests.ReadAll(reader);

        var good = Assert.Single(events);
        Assert.Equal(22, good.DestinationPort);
        Assert.Equal(TcpFlags.Syn, good.Flags);
        Assert.Equal(4, reader.Records);
        Assert.Equal(1, reader.Skipped); // the garbage line has no IN=
        Assert.Equal(2, reader.Errors.Count);

        var half = reader.Errors.Kept[0];
        Assert.Equal(path, half.Source);
        Assert.Equal(1, half.Record);
        Assert.Equal(0, half.Offset);
        Assert.Contains("PROTO=", half.Message, StringComparison.Ordinal);

        var bad = reader.Errors.Kept[1];
        Assert.Equal(2, bad.Record);
        Assert.Equal(Array.IndexOf(lines, (byte)'\n') + 1, bad.Offset);
        Assert.Contains("SRC", bad.Message, StringComparison.Ordinal);
        Assert.Contains("half_and_garbage_lines.log", bad.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_reader_crlf_and_a_missing_final_newline_are_handled()
    {
        const string Line = "Nov 25 16:30:02 srv kernel: DROP IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=45 ID=1 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0";
        using var reader = new KernelLogReader(new StringReader(Line + "\r\nsomething else\r\n\r\n" + Line.Replace("DPT=22", "DPT=23", StringComparison.Ordinal)), "text", options: Utc2026);
        var events = PcapReaderTests.ReadAll(reader);
        Assert.Equal([22, 23], events.Select(e => (int)e.DestinationPort));
        Assert.Equal(2, reader.Skipped);
        Assert.Equal(0, reader.Errors.Count);
    }

    [Fact]
    public void Overlong_line_is_an_error_and_the_next_line_is_read()
    {
        var text = new string('x', 100_000) + "\nNov 25 16:30:02 srv kernel: IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=ICMP TYPE=8 CODE=0\n";
        using var reader = new KernelLogReader(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(text)), "long.log", options: Utc2026);
        Assert.Single(PcapReaderTests.ReadAll(reader));
        var error = Assert.Single(reader.Errors.Kept);
        Assert.Equal(1, error.Record);
        Assert.Contains("64 KiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Year_defaults_to_the_files_modification_time()
    {
        var dir = Directory.CreateTempSubdirectory("portveil-klog-");
        try
        {
            var path = Path.Combine(dir.FullName, "kern.log");
            File.WriteAllText(path, "Nov 25 16:30:02 srv kernel: IN=eth0 OUT= SRC=198.51.100.7 DST=203.0.113.10 PROTO=ICMP TYPE=8 CODE=0\n");
            File.SetLastWriteTimeUtc(path, new DateTime(2031, 12, 1, 0, 0, 0, DateTimeKind.Utc));
            using var reader = new KernelLogReader(path, new KernelLogOptions { TimeZone = TimeZoneInfo.Utc });
            Assert.True(reader.TryRead(out var p));
            Assert.Equal(2031, DateTimeOffset.FromUnixTimeMilliseconds(p.TimestampNs / 1_000_000).Year);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
