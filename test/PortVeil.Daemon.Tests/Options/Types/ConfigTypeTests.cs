using CsCheck;
using PortVeil.Daemon.Options.Types;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Tests.Options.Types;

public class ConfigTypeTests
{
    private static ValueSyntax Value(string literal) =>
        SyntaxParser.Parse("v = " + literal + "\n", "t.toml", validate: true).KeyValues.First().Value!;

    [Theory]
    [InlineData("22", true)]
    [InlineData("65535", true)]
    [InlineData("0", false)]
    [InlineData("65536", false)]
    [InlineData("\"22\"", false)]
    public void A_port_is_1_to_65535(string literal, bool ok)
    {
        Assert.Equal(ok, PortType.Instance.TryParseValue(Value(literal), out _, out var error));
        Assert.Equal(ok, error.Length == 0);
    }

    [Theory]
    [InlineData("700ms", 700)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("30d", 2_592_000_000)]
    [InlineData("2w", 1_209_600_000)]
    [InlineData(" 1H 2M ", 3_720_000)]
    public void Durations_read_like_systemd_and_fail2ban(string text, long milliseconds)
    {
        Assert.True(DurationType.TryParseText(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Fact]
    public void Every_duration_prints_as_text_that_parses_back_to_it()
    {
        var type = new DurationType(TimeSpan.Zero, TimeSpan.FromDays(100_000));
        Gen.Long[0, 100_000L * 86_400_000].Sample(ms =>
        {
            var value = TimeSpan.FromMilliseconds(ms);
            Assert.True(DurationType.TryParseText(type.Display(value), out var back, out var error), error);
            Assert.Equal(value, back);
        }, iter: 5000);
    }

    [Fact]
    public void Every_port_list_prints_as_text_that_parses_back_to_it()
    {
        var type = new PortListType(allowProtocols: true, maxPorts: 4096);
        Gen.Select(Gen.Bool, Gen.UShort[1, 65535]).Array[0, 40].Sample(items =>
        {
            var text = string.Join(',', items.Select(i => (i.Item1 ? "udp/" : "") + i.Item2));
            Assert.True(type.TryParse(Value("\"" + text + "\""), out var first, out var error), error);
            Assert.True(type.TryParse(Value(type.Format(first)), out var second, out error), error);
            Assert.Equal(first, second);
            Assert.Equal(items.Select(i => (i.Item1, i.Item2)).Distinct().Count(), first.Count);
        }, iter: 2000);
    }

    [Fact]
    public void Consecutive_ports_print_as_ranges() =>
        Assert.Equal("22,8000-8002,udp/53-54", new PortListType(true, 100).Display(
            [new(Core.IpProtocol.Tcp, 8001), new(Core.IpProtocol.Udp, 54), new(Core.IpProtocol.Tcp, 22), new(Core.IpProtocol.Tcp, 8000), new(Core.IpProtocol.Tcp, 8002), new(Core.IpProtocol.Udp, 53)]));

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("::/0")]
    [InlineData("203.0.113.9")]
    [InlineData("2001:db8::/64")]
    public void Networks_print_as_they_parse(string text)
    {
        Assert.True(CidrListType.TryParseNetwork(text, out var network, out var error), error);
        Assert.True(CidrListType.TryParseNetwork(network.ToString(), out var back, out error), error);
        Assert.Equal(network, back);
    }

    [Theory]
    [InlineData("1", false, false)]
    [InlineData("1", true, true)]
    [InlineData("0.5", false, true)]
    [InlineData("10.5", true, false)]
    [InlineData("nan", true, false)]
    public void Floats_honour_open_or_closed_bounds(string literal, bool inclusive, bool ok) =>
        Assert.Equal(ok, new FloatType(inclusive ? 1 : 0, inclusive ? 10 : 1, inclusive).TryParseValue(Value(literal), out _, out _));
}
