using PortVeil.Daemon.Options;
using PortVeil.Daemon.Pipeline;

namespace PortVeil.Daemon.Tests.Options;

public class SensorBatchingConfigTests
{
    private static ConfigLoadResult Load(string text) => ConfigLoader.LoadText(text, "/etc/portveil/portveil.toml");

    [Fact]
    public void Without_sensor_keys_the_kernel_delivers_every_logged_packet_at_once()
    {
        var r = Load("");

        Assert.Empty(r.Errors);
        Assert.Equal(1, r.Config.Sensor.QueueThreshold);
        Assert.Equal(1, DaemonStages.From(r.Config).Nflog.QueueThreshold);
    }

    [Fact]
    public void Batch_packets_and_batch_timeout_reach_the_nflog_options_with_the_timeout_rounded_up_to_10_ms()
    {
        var r = Load("""
            [sensor]
            batch_packets = 32
            batch_timeout = "25ms"
            """);

        Assert.Empty(r.Errors);
        var nflog = DaemonStages.From(r.Config).Nflog;
        Assert.Equal(32, nflog.QueueThreshold);
        Assert.Equal(3, nflog.FlushTimeoutCentiseconds);
    }

    [Fact]
    public void Realtime_priority_is_10_by_default_and_0_turns_it_off()
    {
        Assert.Equal(10, DaemonStages.From(Load("").Config).Nflog.RealtimePriority);

        var r = Load("[sensor]\nrealtime_priority = 0\n");

        Assert.Empty(r.Errors);
        Assert.Equal(0, DaemonStages.From(r.Config).Nflog.RealtimePriority);
    }

    [Theory]
    [InlineData("realtime_priority = 100", "realtime_priority")]
    [InlineData("realtime_priority = -1", "realtime_priority")]
    [InlineData("batch_packets = 0", "batch_packets")]
    [InlineData("batch_packets = 2000", "batch_packets")]
    [InlineData("batch_timeout = \"1ms\"", "batch_timeout")]
    [InlineData("batch_timeout = \"1m\"", "batch_timeout")]
    public void Out_of_range_batching_is_an_error_naming_the_key(string line, string key)
    {
        var r = Load("[sensor]\n" + line + "\n");

        var error = Assert.Single(r.Errors);
        Assert.Contains(key, error.Key, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);
    }
}
