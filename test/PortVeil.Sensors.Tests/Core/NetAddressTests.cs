using PortVeil.Core;

namespace PortVeil.Sensors.Tests.Core;

public class NetAddressTests
{
    [Theory]
    [InlineData("203.0.113.10")]
    [InlineData("2001:db8::10")]
    [InlineData("0.0.0.0")]
    public void Parse_then_format_round_trips(string text) =>
        Assert.Equal(text, NetAddress.Parse(text).ToString());

    [Fact]
    public void IPv4_is_mapped_and_reports_its_family()
    {
        var a = NetAddress.Parse("198.51.100.7");
        Assert.True(a.IsIPv4);
        Assert.Equal(IpFamily.IPv4, a.Family);
        Assert.Equal(0xC633_6407u, a.V4);
    }

    [Fact]
    public void Mask_keeps_only_the_prefix()
    {
        Assert.Equal(NetAddress.Parse("198.51.100.0"), NetAddress.Parse("198.51.100.77").Mask(24));
        Assert.Equal(NetAddress.Parse("2001:db8:1:2::"), NetAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd").Mask(64));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.9.9.9", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::1", true)]
    [InlineData("::", true)]
    [InlineData("198.51.100.7", false)]
    public void Loopback_and_unspecified_are_recognised(string text, bool expected) =>
        Assert.Equal(expected, NetAddress.Parse(text).IsLoopbackOrUnspecified);

    [Fact]
    public void Prefix64_keys_group_addresses_of_one_lan()
    {
        var a = SourceKey.ForPrefix64(NetAddress.Parse("2001:db8:5::1"));
        var b = SourceKey.ForPrefix64(NetAddress.Parse("2001:db8:5::ffff"));
        Assert.Equal(a, b);
        Assert.NotEqual(SourceKey.ForAddress(NetAddress.Parse("2001:db8:5::1")), a);
    }
}
