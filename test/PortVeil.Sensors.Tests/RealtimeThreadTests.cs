namespace PortVeil.Sensors.Tests;

public class RealtimeThreadTests
{
    private static (int Error, bool Fifo) OnNewThread(int priority)
    {
        (int, bool) result = default;
        var thread = new Thread(() => result = (RealtimeThread.TrySetFifo(priority), RealtimeThread.IsFifo()));
        thread.Start();
        thread.Join();
        return result;
    }

    [Fact]
    public void Priority_zero_leaves_the_thread_under_normal_scheduling()
    {
        Assert.Equal((0, false), OnNewThread(0));
    }

    [Fact]
    public void A_thread_gets_sched_fifo_when_permitted_and_only_that_thread_does()
    {
        var (error, fifo) = OnNewThread(5);

        if (Environment.UserName == "root")
        {
            Assert.Equal(0, error);
            Assert.True(fifo);
        }
        else
        {
            Assert.Equal(1, error); // EPERM without CAP_SYS_NICE
            Assert.False(fifo);
        }

        Assert.False(RealtimeThread.IsFifo(), "the calling test thread keeps its normal policy");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100)]
    public void Priorities_outside_0_to_99_are_refused(int priority)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RealtimeThread.TrySetFifo(priority));
    }
}
