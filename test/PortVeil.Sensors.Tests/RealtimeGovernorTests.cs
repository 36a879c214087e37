using CsCheck;
using PortVeil.TestSupport;

namespace PortVeil.Sensors.Tests;

public class RealtimeGovernorTests
{
    private const long Second = RealtimeGovernor.WindowNs;
    private const int Limit = 4096;

    [Fact]
    public void A_realtime_thread_on_a_cpu_more_than_half_of_a_window_is_demoted()
    {
        Assert.Equal((RealtimeStep.Demote, 0), RealtimeGovernor.Decide(true, busyNs: 600_000_000, Second, backlog: 0, Limit, quietWindows: 0));
    }

    [Fact]
    public void A_realtime_thread_busy_less_than_half_of_a_window_stays_realtime()
    {
        Assert.Equal((RealtimeStep.Stay, 0), RealtimeGovernor.Decide(true, busyNs: 400_000_000, Second, backlog: 0, Limit, quietWindows: 0));
    }

    [Fact]
    public void A_backlog_at_the_limit_demotes_even_an_idle_thread()
    {
        // A thread waiting on a starved consumer is idle but the pipeline is saturated all the same.
        Assert.Equal((RealtimeStep.Demote, 0), RealtimeGovernor.Decide(true, busyNs: 0, Second, backlog: Limit, Limit, quietWindows: 0));
    }

    [Fact]
    public void A_demoted_thread_is_promoted_after_three_quiet_windows_in_a_row()
    {
        var quiet = 0;
        var steps = new List<RealtimeStep>();
        for (var w = 0; w < RealtimeGovernor.QuietWindowsToPromote; w++)
        {
            (var step, quiet) = RealtimeGovernor.Decide(false, busyNs: 10_000_000, Second, backlog: 0, Limit, quiet);
            steps.Add(step);
        }

        Assert.Equal([RealtimeStep.Stay, RealtimeStep.Stay, RealtimeStep.Promote], steps);
        Assert.Equal(0, quiet);
    }

    [Theory]
    [InlineData(300_000_000, 0)] // between a fifth and a half of the window: neither saturated nor quiet
    [InlineData(10_000_000, 1)] // idle, but events are still waiting
    public void A_window_that_is_not_quiet_restarts_the_count_towards_promotion(long busyNs, int backlog)
    {
        Assert.Equal((RealtimeStep.Stay, 0), RealtimeGovernor.Decide(false, busyNs, Second, backlog, Limit, quietWindows: 2));
    }

    [Fact]
    public void Decide_never_promotes_a_realtime_thread_nor_demotes_a_normal_one()
    {
        Gen.Select(Gen.Bool, Gen.Long[0, 2 * Second], Gen.Int[0, 2 * Limit], Gen.Int[0, 5]).Sample((realtime, busy, backlog, quiet) =>
        {
            var (step, next) = RealtimeGovernor.Decide(realtime, busy, Second, backlog, Limit, quiet);
            Assert.True(realtime ? step is RealtimeStep.Stay or RealtimeStep.Demote : step is RealtimeStep.Stay or RealtimeStep.Promote);
            Assert.InRange(next, 0, RealtimeGovernor.QuietWindowsToPromote - 1);
        });
    }

    [Fact]
    public void The_governed_thread_is_demoted_by_its_kernel_policy_and_promoted_again_after_three_quiet_windows()
    {
        if (Environment.UserName != "root")
        {
            return; // SCHED_FIFO needs CAP_SYS_NICE; the decision tests above still run.
        }

        var policies = new List<bool>();
        var due = new List<bool>();
        var changes = new List<RealtimeStep>();
        var governor = new RealtimeGovernor(priority: 5, backlogLimit: Limit);
        governor.Changed += (_, step) => changes.Add(step);
        OnNewThread(() =>
        {
            // Windows are driven by the clock passed in; the thread's own CPU time (microseconds here) is real.
            var t = 1_000 * Second;
            governor.Start(t);
            policies.Add(RealtimeThread.IsFifo());
            governor.Tick(t + (Second / 2), Limit); // the window has not closed: nothing happens
            policies.Add(RealtimeThread.IsFifo());
            due.Add(governor.IsDue(t + (Second / 2)));
            due.Add(governor.IsDue(t + Second));
            governor.Tick(t + Second, Limit);
            policies.Add(RealtimeThread.IsFifo());
            for (var w = 2; w <= 4; w++)
            {
                governor.Tick(t + (w * Second), 0);
                policies.Add(RealtimeThread.IsFifo());
            }
        });

        Assert.Equal([true, true, false, false, false, true], policies);
        Assert.Equal([false, true], due);
        Assert.Equal([RealtimeStep.Demote, RealtimeStep.Promote], changes);
        Assert.Equal((1, 1), (governor.Demotions, governor.Promotions));
        Assert.True(governor.IsRealtime);
    }

    [Fact]
    public void Without_cap_sys_nice_the_refusal_is_reported_once_and_the_thread_keeps_working_normally()
    {
        var changes = new List<RealtimeStep>();
        var policies = new List<bool>();
        var governor = new RealtimeGovernor(priority: 5, backlogLimit: Limit);
        governor.Changed += (_, step) => changes.Add(step);
        var worked = 0;
        OnNewThread(() =>
        {
            ThreadCapabilities.DropFromCallingThread(ThreadCapabilities.SysNice);
            var t = 1_000 * Second;
            governor.Start(t);
            for (var w = 1; w <= 5; w++)
            {
                governor.Tick(t + (w * Second), w == 1 ? Limit : 0);
                policies.Add(RealtimeThread.IsFifo());
                worked++;
            }
        });

        Assert.Equal(1, governor.Error); // EPERM
        Assert.False(governor.IsDue(long.MaxValue), "a refused governor never decides again");
        Assert.False(governor.IsRealtime);
        Assert.Equal([RealtimeStep.Refused], changes);
        Assert.All(policies, Assert.False);
        Assert.Equal(5, worked);
        Assert.Equal((0, 0), (governor.Demotions, governor.Promotions));
    }

    [Fact]
    public void A_thread_that_lost_cap_sys_nice_still_demotes_itself_and_without_rlimit_rtprio_cannot_return_to_fifo()
    {
        if (Environment.UserName != "root")
        {
            return; // SCHED_FIFO needs CAP_SYS_NICE to begin with; the decision tests above still run.
        }

        var policies = new List<(bool Fifo, int Priority)>();
        var changes = new List<RealtimeStep>();
        var governor = new RealtimeGovernor(priority: 5, backlogLimit: Limit);
        governor.Changed += (_, step) => changes.Add(step);
        // sched(7): with a soft RLIMIT_RTPRIO of 0 an unprivileged thread may only leave a real-time policy.
        using (RtprioLimit.TrySet(0) ?? throw new InvalidOperationException("lowering RLIMIT_RTPRIO is always permitted"))
        {
            OnNewThread(() =>
            {
                var t = 1_000 * Second;
                governor.Start(t);
                policies.Add(ReadBack());
                ThreadCapabilities.DropFromCallingThread(ThreadCapabilities.SysNice);
                governor.Tick(t + Second, Limit); // saturated: demoted, with no privilege at all
                policies.Add(ReadBack());
                for (var w = 2; w <= 4; w++)
                {
                    governor.Tick(t + (w * Second), 0); // three quiet windows: promotion asked, and refused
                    policies.Add(ReadBack());
                }
            });
        }

        Assert.Equal([(true, 5), (false, 0), (false, 0), (false, 0), (false, 0)], policies);
        Assert.Equal([RealtimeStep.Demote], changes);
        Assert.Equal((1, 0), (governor.Demotions, governor.Promotions));
        Assert.False(governor.IsRealtime);
    }

    [Fact]
    public void Without_cap_sys_nice_rlimit_rtprio_alone_allows_fifo_demotion_and_promotion_up_to_the_limit()
    {
        // The limit is process-wide: 3 sits below the 5 the refusal test above asks for, so that one still sees EPERM.
        const int Ceiling = 3;
        var policies = new List<(bool Fifo, int Priority)>();
        var changes = new List<RealtimeStep>();
        var governor = new RealtimeGovernor(priority: Ceiling, backlogLimit: Limit);
        governor.Changed += (_, step) => changes.Add(step);
        int aboveTheLimit = 0, limitSeen = 0;
        using (var limit = RtprioLimit.TrySet(Ceiling))
        {
            if (limit is null)
            {
                return; // This host's hard RLIMIT_RTPRIO is below 3 and cannot be raised (no CAP_SYS_RESOURCE).
            }

            OnNewThread(() =>
            {
                ThreadCapabilities.DropFromCallingThread(ThreadCapabilities.SysNice);
                limitSeen = RealtimeThread.RtprioLimit();
                aboveTheLimit = RealtimeThread.TrySetFifo(Ceiling + 1);
                var t = 1_000 * Second;
                governor.Start(t);
                policies.Add(ReadBack());
                governor.Tick(t + Second, Limit); // saturated: demoted to SCHED_OTHER
                policies.Add(ReadBack());
                for (var w = 2; w <= 4; w++)
                {
                    governor.Tick(t + (w * Second), 0); // three quiet windows: back to SCHED_FIFO
                    policies.Add(ReadBack());
                }
            });
        }

        Assert.Equal(Ceiling, limitSeen);
        Assert.Equal(1, aboveTheLimit); // EPERM: the limit is a ceiling, not a capability
        Assert.Equal(0, governor.Error);
        Assert.Equal([(true, Ceiling), (false, 0), (false, 0), (false, 0), (true, Ceiling)], policies);
        Assert.Equal([RealtimeStep.Demote, RealtimeStep.Promote], changes);
        Assert.Equal((1, 1), (governor.Demotions, governor.Promotions));
    }

    /// <summary>The calling thread's policy and real-time priority as the kernel reports them (/proc/thread-self/stat fields 41 and 40).</summary>
    private static (bool Fifo, int Priority) ReadBack()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var policy = int.Parse(fields[41 - 3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(policy == 1, RealtimeThread.IsFifo());
        return (policy == 1, int.Parse(fields[40 - 3], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Priority_zero_governs_nothing()
    {
        var governor = new RealtimeGovernor(priority: 0, backlogLimit: Limit);
        var fifo = true;
        OnNewThread(() =>
        {
            governor.Start(0);
            governor.Tick(Second, Limit);
            fifo = RealtimeThread.IsFifo();
        });

        Assert.Equal(-1, governor.Error);
        Assert.False(fifo);
        Assert.False(governor.IsRealtime);
    }

    private static void OnNewThread(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("the governed thread failed", failure);
        }
    }
}
