using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.State;

public class EngineCountersTests
{
    [Fact]
    public void Counters_count_events_verdicts_and_ignored_packets()
    {
        var s = new Scenario();
        s.SynScan("198.51.100.90", [1, 2, 3, 4, 5], 0, 0.1, replies: false);
        s.SynScan("127.0.0.1", [1, 2, 3], 0, 0.1, replies: false);

        var (engine, sink) = EngineRun.Over(s);

        Assert.Equal(8, engine.Counters.Events);
        Assert.Equal(3, engine.Counters.Ignored);
        Assert.Equal(1, engine.Counters.Verdicts);
        Assert.Single(sink.Verdicts);
        Assert.Equal(1, engine.TrackedSources);
    }

    [Fact]
    public void Engine_rejects_missing_options_or_sink()
    {
        Assert.Throws<ArgumentNullException>(() => new DetectionEngine(null!, new CollectingSink()));
        Assert.Throws<ArgumentNullException>(() => new DetectionEngine(new DetectionOptions(), null!));
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_named()
    {
        var options = new DetectionOptions { Capacity = 0, TrwTheta0 = 0.1, TrwTheta1 = 0.9, Window = TimeSpan.Zero };

        var problems = options.Validate();
        var error = Assert.Throws<ArgumentException>(() => new DetectionEngine(options, new CollectingSink()));

        Assert.Equal(3, problems.Count);
        Assert.Contains("Capacity", error.Message);
        Assert.Contains("TrwTheta1", error.Message);
        Assert.Contains("Window", error.Message);
        Assert.Empty(new DetectionOptions().Validate());
    }

    [Fact]
    public void A_source_flagged_again_after_its_state_expired_gets_a_new_verdict()
    {
        var s = new Scenario();
        s.SynScan("198.51.100.91", [1, 2, 3, 4, 5], 0, 0.1, replies: false);
        s.SynScan("198.51.100.91", [6, 7, 8, 9, 10], 3600 * 25, 0.1, replies: false);

        var (_, sink) = EngineRun.Over(s);

        Assert.Equal(2, sink.Verdicts.Count);
    }

    [Fact]
    public void Packets_out_of_time_order_do_not_break_the_engine()
    {
        var s = new Scenario();
        var events = new List<PacketEvent>();
        for (var i = 0; i < 8; i++)
        {
            events.Add(Events.NmapSyn("198.51.100.92", (ushort)(100 + i), 10 - i));
        }

        var (_, sink) = EngineRun.Over(events);

        Assert.Equal(ScanKind.Syn, Assert.Single(sink.Verdicts).Scan);
    }
}
