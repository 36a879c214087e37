using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Scans;

public class DistributedScanTests
{
    [Fact]
    public void Six_sources_with_ten_ports_each_are_all_flagged_as_syn()
    {
        // s08: 198.51.100.101-106, disjoint slices of 10 ports, starts staggered by 2 s, 0.5 s between probes, -Pn.
        var s = new Scenario().BenignMix(0, 40);
        var ports = s.Shuffled(Scenario.TopTcp.Take(60));
        for (var i = 0; i < 6; i++)
        {
            s.SynScan($"198.51.100.{101 + i}", ports.Skip(i * 10).Take(10).ToArray(), 4 + (2 * i), 0.5);
        }

        var (_, sink) = EngineRun.Over(s);

        Assert.Equal(6, sink.Verdicts.Count);
        Assert.All(sink.Verdicts, v => Assert.Equal(ScanKind.Syn, v.Scan));
        Assert.All(sink.Verdicts, v => Assert.Equal(ScannerTool.Nmap, v.Tool));
    }

    [Fact]
    public void Twenty_sources_of_a_slash24_probing_one_port_each_are_flagged_as_distributed()
    {
        var s = new Scenario().BenignMix(0, 60);
        var ports = s.Shuffled(Scenario.TopTcp.Where(p => Array.IndexOf(Scenario.OpenTcp, p) < 0)).Take(20).ToArray();
        for (var i = 0; i < 20; i++)
        {
            s.Add(Events.NmapSyn($"198.51.100.{150 + i}", ports[i], 2 + (i * 1.5)));
        }

        var (_, sink) = EngineRun.Over(s);

        Assert.InRange(sink.Verdicts.Count, 11, 20);
        Assert.All(sink.Verdicts, v =>
        {
            Assert.Equal(DetectorKind.Distributed, v.Detector);
            Assert.Equal(ScanKind.Syn, v.Scan);
            Assert.True(v.Evidence.GroupMembers.Count >= 5);
            Assert.Contains(v.Source.Address, v.Evidence.GroupMembers);
        });
        Assert.Equal(sink.Verdicts.Count, sink.Verdicts.Select(v => v.Source).Distinct().Count());
    }

    [Fact]
    public void Sources_sharing_a_tool_fingerprint_across_prefixes_are_grouped()
    {
        var s = new Scenario();
        for (var i = 0; i < 12; i++)
        {
            var src = i % 2 == 0 ? $"198.51.100.{10 + i}" : $"192.0.2.{10 + i}";
            s.Add(Events.Syn(src, (ushort)(3000 + i), i * 2.0, window: 1024, opts: SynOptions.None, seq: Events.Server.V4));
        }

        var (_, sink) = EngineRun.Over(s);

        Assert.NotEmpty(sink.Verdicts);
        Assert.All(sink.Verdicts, v => Assert.Equal(ScannerTool.Mirai, v.Tool));
        Assert.Contains("fingerprint mirai", sink.Verdicts[0].Evidence.Summary);
    }

    [Fact]
    public void Five_sources_retrying_the_same_closed_port_are_not_a_distributed_scan()
    {
        var s = new Scenario();
        for (var i = 0; i < 8; i++)
        {
            s.Add(Events.Syn($"198.51.100.{200 + i}", 8008, i * 3.0));
            s.Add(Events.Syn($"198.51.100.{200 + i}", 8008, (i * 3.0) + 1));
        }

        Assert.Empty(EngineRun.Over(s).Sink.Verdicts);
    }
}
