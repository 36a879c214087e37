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

        // A member first flagged on a single unverified probe is flagged again once it is actionable (2+ probes).
        Assert.Equal(6, sink.Verdicts.Select(v => v.Source).Distinct().Count());
        Assert.All(sink.Verdicts, v => Assert.Equal(ScanKind.Syn, v.Scan));
        Assert.All(sink.Verdicts, v => Assert.Equal(ScannerTool.Nmap, v.Tool));
    }

    [Fact]
    public void A_member_flagged_on_one_unverified_probe_is_flagged_again_when_it_probes_a_second_port()
    {
        // Policy never bans on one unverified SYN, so that first verdict must not silence the source for good.
        var s = new Scenario().BenignMix(0, 60);
        var ports = s.Shuffled(Scenario.TopTcp.Where(p => Array.IndexOf(Scenario.OpenTcp, p) < 0)).Take(22).ToArray();
        for (var i = 0; i < 20; i++)
        {
            s.Add(Events.NmapSyn($"198.51.100.{150 + i}", ports[i], 2 + (i * 1.5)));
        }

        s.Add(Events.NmapSyn("198.51.100.199", ports[20], 40));
        s.Add(Events.NmapSyn("198.51.100.199", ports[21], 41));

        var (_, sink) = EngineRun.Over(s);

        var late = sink.Verdicts.Where(v => v.Source.Address == NetAddress.Parse("198.51.100.199")).ToList();
        Assert.Equal(2, late.Count);
        Assert.Equal(1, late[0].Evidence.Probes);
        Assert.Equal(2, late[1].Evidence.Probes);
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
        // One probe each: every member gets one (weak) verdict, never more.
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

    [Fact]
    public void Eleven_sources_of_a_slash24_probing_three_to_five_ports_each_with_no_replies_are_all_flagged()
    {
        // Seen in a kernel log (inbound SYNs only, no replies): nmap SYNs from 192.0.2.165-175, varied TTLs,
        // 3-5 ports each, interleaved within a few milliseconds, beside benign clients of the same /24.
        var s = new Scenario();
        var r = s.Random;
        s.HttpClient("192.0.2.21", 8080, 0, 30);
        s.ServiceMonitor("192.0.2.29", 0, 30);
        var port = 5000;
        for (var i = 0; i < 11; i++)
        {
            var probes = 3 + (i % 3);
            for (var k = 0; k < probes; k++)
            {
                s.Add(Events.NmapSyn($"192.0.2.{165 + i}", (ushort)(port += 1 + r.Next(300)), 10 + (r.NextDouble() * 0.02)) with { Ttl = (byte)(40 + r.Next(20)) });
            }
        }

        var (_, sink) = EngineRun.Over(s, servedTcp: Scenario.OpenTcp);

        Assert.Equal(11, sink.Verdicts.Select(v => v.Source).Distinct().Count());
        Assert.All(sink.Verdicts, v => Assert.InRange(v.Source.Address.V4 & 0xFF, 165u, 175u));
        Assert.Contains(sink.Verdicts, v => v.Detector == DetectorKind.Distributed);
        Assert.All(sink.Verdicts, v => Assert.Equal(ScanKind.Syn, v.Scan));
    }

    [Fact]
    public void Guest_of_a_flagged_slash24_with_one_typo_is_not_flagged_as_a_member()
    {
        var s = new Scenario();
        for (var i = 0; i < 12; i++)
        {
            s.Add(Events.NmapSyn($"198.51.100.{150 + i}", (ushort)(3000 + (i * 17)), i * 1.0));
        }

        s.TypoClient("198.51.100.200", 20, repeats: 1, typoPort: 8009);

        var (_, sink) = EngineRun.Over(s, servedTcp: Scenario.OpenTcp);

        Assert.NotEmpty(sink.Verdicts);
        Assert.Null(sink.For("198.51.100.200"));
    }
}
