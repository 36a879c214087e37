using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Scans;

public class EvidenceTests
{
    [Fact]
    public void Exposure_lists_the_open_ports_reached_before_the_verdict_and_no_later_ones()
    {
        // Probe order: 22 (open), 25 (open), then closed ports; 443 (open) only after the verdict.
        ushort[] ports = [22, 25, 1, 2, 3, 4, 5, 6, 443];
        var s = new Scenario().SynScan("198.51.100.70", ports, 0, 0.5);

        var (_, sink) = EngineRun.Over(s);

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal([22, 25], v.Evidence.OpenPortsReached.Order().ToArray());
        Assert.DoesNotContain((ushort)443, v.Evidence.PortsProbed);
        Assert.All(v.Evidence.ClosedPorts, p => Assert.True(p < 10));
        Assert.Equal(v.Evidence.PortsProbed.Count, v.Evidence.ClosedPorts.Count + v.Evidence.OpenPortsReached.Count);
    }

    [Fact]
    public void Guessed_failure_is_corrected_to_a_success_when_the_syn_ack_arrives()
    {
        // No served ports configured: 22 is guessed closed until the host's SYN/ACK proves it open.
        var s = new Scenario().SynScan("198.51.100.71", [22, 1, 2, 3], 0, 1.0);

        var (engine, sink) = EngineRun.Over(s);

        Assert.Empty(sink.Verdicts); // 3 failures and 1 success: ln Λ = 2.77 < 4.60
        Assert.True(engine.Served.IsSeenServed(IpProtocol.Tcp, 22));
        Assert.False(engine.Served.IsMarked(IpProtocol.Tcp, 22));
    }

    [Fact]
    public void Evidence_carries_times_flags_tool_and_a_summary_with_the_numbers()
    {
        var s = new Scenario().SynScan("198.51.100.72", [1, 2, 3, 4, 5], 10, 1.0);

        var v = Assert.Single(EngineRun.Over(s).Sink.Verdicts);

        Assert.Equal(Events.At(10), v.Evidence.FirstSeenNs);
        Assert.Equal(Events.At(13), v.Evidence.LastSeenNs);
        Assert.Equal(Events.At(13), v.DecidedAtNs);
        Assert.Equal(TcpFlags.Syn, v.Evidence.FlagsSeen);
        Assert.Equal(ScannerTool.Nmap, v.Evidence.Tool);
        Assert.Equal(1, v.Evidence.HostsProbed);
        Assert.Contains("4 failed and 0 successful", v.Evidence.Summary);
        Assert.Contains("4.60", v.Evidence.Summary);
        Assert.Empty(v.Evidence.GroupMembers);
    }

    [Fact]
    public void Scanner_that_resets_our_syn_ack_is_verified()
    {
        var s = new Scenario().SynScan("198.51.100.73", [22, 1, 2, 3, 4, 5], 0, 1.0);

        Assert.True(Assert.Single(EngineRun.Over(s).Sink.Verdicts).SourceVerified);
    }

    [Fact]
    public void Scanner_never_answered_is_not_verified()
    {
        var s = new Scenario().SynScan("198.51.100.74", [1, 2, 3, 4], 0, 1.0);

        Assert.False(Assert.Single(EngineRun.Over(s).Sink.Verdicts).SourceVerified);
    }

    [Fact]
    public void One_verdict_per_source_per_episode()
    {
        var s = new Scenario();
        s.SynScan("198.51.100.75", Scenario.TopTcp, 0, 0.01);
        s.FlagScan("198.51.100.75", Scenario.TopTcp, 5, 0.01, TcpFlags.Fin);
        s.UdpScan("198.51.100.75", Scenario.TopUdp, 10, 0.01);

        var (engine, sink) = EngineRun.Over(s);

        Assert.Single(sink.Verdicts);
        Assert.Equal(1, engine.Counters.Verdicts);
    }

    [Fact]
    public void Retransmitted_probes_count_once()
    {
        var s = new Scenario();
        for (var i = 0; i < 10; i++)
        {
            s.Add(Events.NmapSyn("198.51.100.76", 1, i));
            s.Add(Events.NmapSyn("198.51.100.76", 2, i + 0.5));
            s.Add(Events.NmapSyn("198.51.100.76", 3, i + 0.7));
        }

        Assert.Empty(EngineRun.Over(s).Sink.Verdicts); // 3 distinct closed ports: ln Λ 4.16 < 4.60
    }

    [Fact]
    public void Port_unreachable_confirms_a_udp_port_closed_even_when_it_was_marked_served()
    {
        var s = new Scenario();
        ushort[] ports = [161, 162, 163, 164];
        var options = new DetectionOptions { HashSecret = 1 };
        var sink = new CollectingSink();
        var engine = new DetectionEngine(options, sink);
        foreach (var p in ports)
        {
            engine.Served.Mark(IpProtocol.Udp, p); // stale configuration: nothing listens any more
        }

        s.UdpScan("198.51.100.77", ports, 0, 1);
        foreach (var e in s.Sorted())
        {
            engine.Process(in e);
        }

        var v = Assert.Single(sink.Verdicts);
        Assert.Equal(ScanKind.Udp, v.Scan);
        Assert.Empty(v.Evidence.OpenPortsReached);
    }
}
