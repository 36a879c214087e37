using PortVeil.Core;

namespace PortVeil.Storage.Tests;

internal static class Assertions
{
    /// <summary>Every field of the evidence survived the trip (doubles bit for bit, NaN included).</summary>
    public static void SameEvidence(Evidence expected, Evidence actual)
    {
        Assert.Equal(expected.Detector, actual.Detector);
        SameDouble(expected.Score, actual.Score);
        SameDouble(expected.Threshold, actual.Threshold);
        Assert.Equal(expected.Summary, actual.Summary);
        Assert.Equal(expected.Probes, actual.Probes);
        Assert.Equal(expected.PortsProbed, actual.PortsProbed);
        Assert.Equal(expected.ClosedPorts, actual.ClosedPorts);
        Assert.Equal(expected.OpenPortsReached, actual.OpenPortsReached);
        Assert.Equal(expected.FlagsSeen, actual.FlagsSeen);
        Assert.Equal(expected.Tool, actual.Tool);
        Assert.Equal(expected.FingerprintDetail, actual.FingerprintDetail);
        Assert.Equal(expected.HostsProbed, actual.HostsProbed);
        Assert.Equal(expected.GroupMembers, actual.GroupMembers);
        Assert.Equal(expected.FirstSeenNs, actual.FirstSeenNs);
        Assert.Equal(expected.LastSeenNs, actual.LastSeenNs);
    }

    private static void SameDouble(double expected, double actual)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
            return;
        }

        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
    }
}
