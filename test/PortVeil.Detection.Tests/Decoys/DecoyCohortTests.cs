using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Decoys;

public class DecoyCohortTests
{
    private const string Scanner = "198.51.100.101";
    private static readonly string[] Decoys = ["198.51.100.201", "198.51.100.202", "198.51.100.203"];

    /// <summary>
    /// nmap -sS -D d1,d2,d3,ME: each port is probed once from every decoy and from the scanner, back to back (a few
    /// µs apart), identical but for the source; nmap gives every packet a random TTL, which the events carry too.
    /// </summary>
    private static Scenario DecoyScan(ushort[] ports, double start = 1.0, double gap = 0.002, double spacing = 0.00002)
    {
        var s = new Scenario();
        var ttl = new Random(5);
        var t = start;
        foreach (var port in ports)
        {
            var k = 0;
            foreach (var src in (string[])[.. Decoys, Scanner])
            {
                s.Add(Events.NmapSyn(src, port, t + (k++ * spacing)) with { Ttl = (byte)ttl.Next(37, 60) });
            }

            t += gap;
        }

        return s;
    }

    private static readonly ushort[] Closed = [1, 3, 4, 6, 7, 9, 13, 17, 19, 20, 21, 26, 30, 32, 33, 37];

    [Fact]
    public void Decoy_scan_marks_every_member_as_a_decoy_cohort_naming_the_others()
    {
        var (_, sink) = EngineRun.Over(DecoyScan(Closed));

        Assert.Equal(4, sink.Verdicts.Count);
        foreach (var src in (string[])[.. Decoys, Scanner])
        {
            var v = sink.For(src);
            Assert.NotNull(v);
            Assert.True(v.DecoyCohort, $"{src}: {v}");
            Assert.False(v.SourceVerified);
            Assert.Equal(4, v.Evidence.GroupMembers.Count);
            Assert.Contains(Events.Ip(src), v.Evidence.GroupMembers);
            Assert.Contains("Decoy cohort", v.Evidence.Summary);
            Assert.InRange(v.Evidence.Probes, 3, 9);
        }
    }

    [Fact]
    public void Single_source_syn_scan_is_not_a_decoy_cohort_and_decides_as_before()
    {
        var s = new Scenario().SynScan(Scanner, Closed, 0, 0.002, replies: false);

        var v = Assert.Single(EngineRun.Over(s).Sink.Verdicts);
        Assert.False(v.DecoyCohort);
        Assert.Empty(v.Evidence.GroupMembers);
        Assert.Equal(4, v.Evidence.Probes);
    }

    [Fact]
    public void Two_scanners_probing_the_same_ports_seconds_apart_are_not_a_cohort()
    {
        var s = new Scenario();
        var t = 0.0;
        foreach (var port in Closed)
        {
            s.Add(Events.NmapSyn(Scanner, port, t));
            s.Add(Events.NmapSyn(Decoys[0], port, t + 0.5));
            t += 1.0;
        }

        var (_, sink) = EngineRun.Over(s);

        Assert.Equal(2, sink.Verdicts.Count);
        Assert.All(sink.Verdicts, v => Assert.False(v.DecoyCohort));
    }

    [Fact]
    public void Coincidences_on_fewer_ports_than_the_minimum_do_not_make_a_cohort()
    {
        // Two coincident ports, then the second source goes its own way: the first one's verdict waits a little
        // (bounded) and then comes out as an ordinary one.
        var s = new Scenario();
        var t = 0.0;
        for (var i = 0; i < Closed.Length; i++)
        {
            s.Add(Events.NmapSyn(Scanner, Closed[i], t));
            if (i < 2)
            {
                s.Add(Events.NmapSyn(Decoys[0], Closed[i], t + 0.00002));
            }

            t += 0.002;
        }

        var (_, sink) = EngineRun.Over(s);

        var v = sink.For(Scanner);
        Assert.NotNull(v);
        Assert.False(v.DecoyCohort);
        Assert.InRange(v.Evidence.Probes, 4, 9);
    }

    [Fact]
    public void Decoy_detection_off_gives_ordinary_verdicts()
    {
        var options = new DetectionOptions { HashSecret = 1, DecoyMinPorts = 0 };

        var (_, sink) = EngineRun.Over(DecoyScan(Closed), options);

        Assert.Equal(4, sink.Verdicts.Count);
        Assert.All(sink.Verdicts, v => Assert.False(v.DecoyCohort));
    }

    [Fact]
    public void A_cohort_member_that_completes_a_handshake_and_probes_on_gets_a_verified_verdict()
    {
        var s = DecoyScan(Closed[..8]);

        // Later the scanner connects with its own stack (SYN/ACK answered by an ACK), then scans on.
        s.Add(Events.Syn(Scanner, 22, 5.0, sport: 41_000));
        s.Add(Events.SynAck(Scanner, 22, 5.0001, toPort: 41_000));
        s.Add(Events.Tcp(Scanner, 22, 5.0002, TcpFlags.Ack, sport: 41_000));
        var t = 6.0;
        foreach (var port in (ushort[])[40, 41, 42, 43, 44, 45])
        {
            s.Add(Events.NmapSyn(Scanner, port, t));
            t += 0.002;
        }

        var (_, sink) = EngineRun.Over(s, servedTcp: [22]);

        var scanner = sink.Verdicts.Where(v => v.Source == SourceKey.ForAddress(Events.Ip(Scanner))).ToList();
        Assert.Equal(2, scanner.Count);
        Assert.True(scanner[0].DecoyCohort);
        Assert.False(scanner[1].DecoyCohort);
        Assert.True(scanner[1].SourceVerified);
    }
}
