using PortVeil.Sensors.Nflog;

namespace PortVeil.Sensors.Tests.Nflog;

public class NflogOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_headers_only()
    {
        var options = new NflogOptions();

        options.Validate();
        Assert.Equal([NflogDefaults.Group], options.Groups);
        Assert.InRange(options.CopyRange, 96, 128);
    }

    [Theory]
    [InlineData(nameof(NflogOptions.CopyRange))]
    [InlineData(nameof(NflogOptions.KernelBufferSize))]
    [InlineData(nameof(NflogOptions.QueueThreshold))]
    [InlineData(nameof(NflogOptions.FlushTimeoutCentiseconds))]
    [InlineData(nameof(NflogOptions.ChannelCapacity))]
    [InlineData(nameof(NflogOptions.Groups))]
    public void An_out_of_range_value_is_refused_before_any_socket_is_opened(string name)
    {
        var options = name switch
        {
            nameof(NflogOptions.CopyRange) => new NflogOptions { CopyRange = 10 },
            nameof(NflogOptions.KernelBufferSize) => new NflogOptions { KernelBufferSize = 200_000 },
            nameof(NflogOptions.QueueThreshold) => new NflogOptions { QueueThreshold = 0 },
            nameof(NflogOptions.FlushTimeoutCentiseconds) => new NflogOptions { FlushTimeoutCentiseconds = 0 },
            nameof(NflogOptions.ChannelCapacity) => new NflogOptions { ChannelCapacity = 1 },
            _ => new NflogOptions { Groups = [] },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NflogSource.Open(options));
        Assert.Equal(name, error.ParamName);
    }
}
