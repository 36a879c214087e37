using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Benign;

/// <summary>The benign behaviours of corpus s07_benign_only: none may ever be flagged.</summary>
public class BenignTrafficTests
{
    [Fact]
    public void Http_client_repeating_gets_is_never_flagged() =>
        Assert.Empty(EngineRun.Over(new Scenario().HttpClient("192.0.2.21", 8080, 0, 600)).Sink.Verdicts);

    [Fact]
    public void Typo_client_hitting_one_closed_port_repeatedly_is_never_flagged() =>
        Assert.Empty(EngineRun.Over(new Scenario().TypoClient("192.0.2.23", 0, repeats: 50)).Sink.Verdicts);

    [Fact]
    public void Client_whose_connections_the_server_resets_is_never_flagged() =>
        Assert.Empty(EngineRun.Over(new Scenario().ResetClient("192.0.2.24", 0, tries: 40)).Sink.Verdicts);

    [Fact]
    public void Dns_client_is_never_flagged() =>
        Assert.Empty(EngineRun.Over(new Scenario().DnsClient("192.0.2.25", 0, 600)).Sink.Verdicts);

    [Fact]
    public void Ssh_client_is_never_flagged() =>
        Assert.Empty(EngineRun.Over(new Scenario().SshClient("192.0.2.26", 0, 600)).Sink.Verdicts);

    [Fact]
    public void Long_session_seen_mid_connection_with_late_acks_and_fins_is_never_flagged_even_without_served_ports()
    {
        var s = new Scenario();
        // Four long sessions to four services, all started before the capture, with late ACK/FIN retransmits.
        s.LongSessionMidCapture("192.0.2.27", 0, 120, 22);
        s.LongSessionMidCapture("192.0.2.27", 0.3, 120, 443);
        s.LongSessionMidCapture("192.0.2.27", 0.6, 120, 8080);
        s.LongSessionMidCapture("192.0.2.27", 0.9, 120, 25);

        Assert.Empty(EngineRun.Over(s).Sink.Verdicts);
    }

    [Fact]
    public void Late_fin_ack_and_ack_to_served_ports_after_conntrack_expiry_are_never_flagged()
    {
        var s = new Scenario();
        var t = 0.0;
        foreach (var port in Scenario.OpenTcp)
        {
            for (var i = 0; i < 5; i++)
            {
                s.Add(Events.Tcp("192.0.2.40", port, t, TcpFlags.Fin | TcpFlags.Ack, sport: (ushort)(45_000 + i)));
                s.Add(Events.Tcp("192.0.2.40", port, t + 0.1, TcpFlags.Ack, sport: (ushort)(45_000 + i)));
                t += 0.2;
            }
        }

        Assert.Empty(EngineRun.Over(s, servedTcp: Scenario.OpenTcp).Sink.Verdicts);
    }

    [Fact]
    public void Service_monitor_touching_four_open_ports_every_10_to_20s_is_never_flagged() =>
        Assert.Empty(EngineRun.Over(new Scenario().ServiceMonitor("192.0.2.29", 0, 3600)).Sink.Verdicts);

    [Fact]
    public void Ping_monitor_every_2s_is_never_flagged() =>
        Assert.Empty(EngineRun.Over(new Scenario().PingMonitor("192.0.2.28", 0, 2000)).Sink.Verdicts);

    [Fact]
    public void All_s07_benign_behaviours_together_for_an_hour_flag_nobody()
    {
        var (engine, sink) = EngineRun.Over(new Scenario().BenignMix(0, 3600));

        Assert.Empty(sink.Verdicts);
        Assert.True(engine.Counters.Events > 10_000);
    }

    [Fact]
    public void Benign_clients_beside_a_scan_are_not_flagged_only_the_scanner_is()
    {
        var s = new Scenario().BenignMix(0, 60);
        s.NmapDiscovery("198.51.100.7", 4);
        s.SynScan("198.51.100.7", s.Shuffled(Scenario.TopTcp), 4.01, 0.0001);

        var (_, sink) = EngineRun.Over(s);

        Assert.Equal("198.51.100.7", Assert.Single(sink.Verdicts).Source.Address.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.3.4.5")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("::")]
    public void Loopback_and_unspecified_sources_are_never_flagged(string source)
    {
        var s = new Scenario();
        s.SynScan(source, Scenario.TopTcp, 0, 0.001, replies: false);
        s.FlagScan(source, Scenario.TopTcp, 1, 0.001, TcpFlags.None);

        var (engine, sink) = EngineRun.Over(s);

        Assert.Empty(sink.Verdicts);
        Assert.Equal(0, engine.TrackedSources);
        Assert.True(engine.Counters.Ignored >= 2 * Scenario.TopTcp.Length);
    }

    [Fact]
    public void Allowlisted_prefix_is_never_flagged()
    {
        var options = new DetectionOptions();
        options.Allowlist.Add((Events.Ip("198.51.100.0"), 24));
        var s = new Scenario().SynScan("198.51.100.7", Scenario.TopTcp, 0, 0.001);

        var (_, sink) = EngineRun.Over(s, options);

        Assert.Empty(sink.Verdicts);
    }

    [Fact]
    public void A_nat_slash24_of_guests_each_with_one_typo_is_not_a_distributed_scan()
    {
        var s = new Scenario();
        for (var i = 1; i <= 30; i++)
        {
            s.TypoClient($"192.0.2.{100 + i}", i * 3, repeats: 1, typoPort: (ushort)(8000 + i));
        }

        Assert.Empty(EngineRun.Over(s).Sink.Verdicts);
    }
}
