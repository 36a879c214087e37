using PortVeil.Core;

namespace PortVeil.Sensors.Tests.Support;

/// <summary>
/// Field-by-field equality for <see cref="PacketEvent"/>, so a failure names the field that differs (and time
/// can be left out when two sensors use different clocks).
/// </summary>
internal static class EventAssert
{
    public static void Equal(PacketEvent expected, PacketEvent actual, bool compareTime = true)
    {
        if (compareTime)
        {
            Assert.Equal(expected.TimestampNs, actual.TimestampNs);
        }

        Assert.Equal(expected.Family, actual.Family);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Destination, actual.Destination);
        Assert.Equal(expected.Protocol, actual.Protocol);
        Assert.Equal(expected.SourcePort, actual.SourcePort);
        Assert.Equal(expected.DestinationPort, actual.DestinationPort);
        Assert.Equal(expected.Flags, actual.Flags);
        Assert.Equal(expected.Window, actual.Window);
        Assert.Equal(expected.Options, actual.Options);
        Assert.Equal(expected.IpId, actual.IpId);
        Assert.Equal(expected.Ttl, actual.Ttl);
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.Acknowledgment, actual.Acknowledgment);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.IcmpType, actual.IcmpType);
        Assert.Equal(expected.IcmpCode, actual.IcmpCode);
        Assert.Equal(expected.QuotedProtocol, actual.QuotedProtocol);
        Assert.Equal(expected.QuotedSourcePort, actual.QuotedSourcePort);
        Assert.Equal(expected.QuotedDestinationPort, actual.QuotedDestinationPort);
        Assert.Equal(expected.Direction, actual.Direction);
        Assert.Equal(expected.Tag, actual.Tag);
    }
}
