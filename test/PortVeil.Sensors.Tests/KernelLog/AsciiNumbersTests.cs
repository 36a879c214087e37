using System.Net;
using System.Text;
using CsCheck;
using PortVeil.Core;
using PortVeil.Sensors.KernelLog;

namespace PortVeil.Sensors.Tests.KernelLog;

public class AsciiNumbersTests
{
    private static bool Parse(string text, out NetAddress address) => AsciiNumbers.TryParseAddress(Encoding.ASCII.GetBytes(text), out address);

    [Fact]
    public void Any_ipv6_address_in_compressed_or_full_form_parses_like_IPAddress() =>
        Gen.Byte.Array[16].Sample(bytes =>
        {
            var ip = new IPAddress(bytes);
            var expected = NetAddress.FromBytes(bytes);
            Assert.True(Parse(ip.ToString(), out var a), ip.ToString());
            Assert.Equal(expected, a);

            // The kernel's %pI6 form: eight 4-digit groups, no compression.
            var full = string.Join(':', Enumerable.Range(0, 8).Select(i => ((bytes[2 * i] << 8) | bytes[(2 * i) + 1]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.True(Parse(full, out var b), full);
            Assert.Equal(expected, b);
        }, iter: 5_000, threads: 1);

    [Fact]
    public void Any_ipv4_address_parses_like_IPAddress() =>
        Gen.UInt.Sample(v =>
        {
            var text = new IPAddress(BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v) : v).ToString();
            Assert.True(Parse(text, out var a), text);
            Assert.Equal(NetAddress.FromV4(v), a);
        }, iter: 5_000, threads: 1);

    [Theory]
    [InlineData("999.1.2.3")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1..2.3")]
    [InlineData("01234.1.1.1")]
    [InlineData("010.1.1.1")]
    [InlineData("2001:db8:::1")]
    [InlineData("2001:db8::1::2")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("12345::")]
    [InlineData("2001:db8:")]
    [InlineData(":1")]
    [InlineData("::g")]
    [InlineData("")]
    public void Malformed_addresses_are_rejected(string text) => Assert.False(Parse(text, out _));

    [Theory]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("2001:db8::", "2001:db8::")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("64:ff9b::203.0.113.10", "64:ff9b::cb00:710a")]
    public void Edge_forms_parse(string text, string expected)
    {
        Assert.True(Parse(text, out var a));
        Assert.Equal(NetAddress.Parse(expected), a);
    }

    [Fact]
    public void Random_text_never_throws_and_what_it_accepts_IPAddress_accepts_too() =>
        Gen.Char["0123456789abcdef:.x"].Array[0, 40].Select(c => new string(c)).Sample(text =>
        {
            if (Parse(text, out var a))
            {
                Assert.True(IPAddress.TryParse(text, out var ip), text);
                Assert.Equal(NetAddress.FromIPAddress(ip), a);
            }
        }, iter: 20_000, threads: 1);
}
