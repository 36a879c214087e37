using PortVeil.Daemon.Pipeline;

namespace PortVeil.Daemon.Tests.Pipeline;

public class BanPathTimingsTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void Each_stage_gets_the_time_between_its_two_stamps_and_they_add_up_to_the_total()
    {
        var t = new BanPathTimings();
        const long packet = 1_700_000_000_000 * Ms;

        t.Record(packet, packet + (Ms / 50), packet + (Ms / 10), packet + (Ms / 5), packet + Ms);

        Assert.Equal(1.0, t.Total.QuantileMs(0.5), 6);
        Assert.Equal(0.02, t.KernelToSensor.QuantileMs(0.5), 6);
        Assert.Equal(0.08, t.SensorToVerdict.QuantileMs(0.5), 6);
        Assert.Equal(0.1, t.PacketToVerdict.QuantileMs(0.5), 6);
        Assert.Equal(0.1, t.Decide.QuantileMs(0.5), 6);
        Assert.Equal(0.8, t.Kernel.QuantileMs(0.5), 6);
        Assert.Equal(t.Total.QuantileMs(0.5), t.PacketToVerdict.QuantileMs(0.5) + t.Decide.QuantileMs(0.5) + t.Kernel.QuantileMs(0.5), 6);
    }

    [Theory]
    [InlineData(-1)]   // the sensor's latest receipt was an earlier datagram
    [InlineData(200)]  // a later datagram arrived before the verdict was stamped
    public void A_sensor_stamp_outside_packet_to_verdict_is_left_out_of_the_split_but_not_of_the_total(long sensorOffsetMs)
    {
        var t = new BanPathTimings();
        const long packet = 1_700_000_000_000 * Ms;

        t.Record(packet, packet + (sensorOffsetMs * Ms), packet + Ms, packet + (2 * Ms), packet + (3 * Ms));

        Assert.Equal(0, t.KernelToSensor.Count);
        Assert.Equal(0, t.SensorToVerdict.Count);
        Assert.Equal(1, t.Total.Count);
        Assert.Equal(3.0, t.Total.QuantileMs(0.5), 6);
    }
}
