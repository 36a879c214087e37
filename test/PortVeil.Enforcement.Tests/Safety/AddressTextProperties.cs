using CsCheck;
using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.TestSupport;

namespace PortVeil.Enforcement.Tests.Safety;

/// <summary>
/// Addresses and networks are the only text from outside (API bodies, CLI arguments, config, a fleet peer's rows)
/// that ever ends up in a ban or an allow entry. Whatever text is offered, what parses prints back as plain address
/// characters: nothing that could close a JSON string or an nft set ({ } ; " newline) survives parsing.
/// </summary>
public class AddressTextProperties
{
    private static readonly Gen<string> Hostile = Gen.OneOf(
        Gen.String[Gen.Char, 0, 60],
        Gen.Select(Gen.OneOfConst("203.0.113.7", "198.51.100.0/24", "2001:db8::7", "2001:db8::/64", "::ffff:192.0.2.1", "0.0.0.0/0"),
            Gen.OneOfConst("", " ", "\n", ";", "}", "{", "\"", "#", "/", "//", "%eth0", " } ; flush ruleset", "\u0000", "\u00a0", "\u2028"),
            Gen.Bool, (address, junk, before) => before ? junk + address : address + junk));

    private static bool IsPlain(string text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void Any_text_that_parses_as_an_address_or_network_prints_back_as_plain_address_characters() =>
        Fuzz.Run(Hostile, text =>
        {
            if (NetAddress.TryParse(text, out var address))
            {
                Assert.True(IsPlain(address.ToString()), $"\"{text}\" -> \"{address}\"");
            }

            if (NetPrefix.TryParse(text, out var prefix))
            {
                Assert.True(IsPlain(prefix.ToString()), $"\"{text}\" -> \"{prefix}\"");
                Assert.True(NetPrefix.TryParse(prefix.ToString(), out var again) && again.Equals(prefix), "does not round-trip: " + prefix);
            }
        }, 20_000);

    [Theory]
    [InlineData("203.0.113.7 } ; flush ruleset")]
    [InlineData("198.51.100.0/24\n; delete table inet portveil")]
    [InlineData("2001:db8::7\"}]}")]
    [InlineData("203.0.113.7;")]
    public void An_address_followed_by_nft_or_JSON_syntax_is_not_an_address(string text)
    {
        Assert.False(NetAddress.TryParse(text, out _));
        Assert.False(NetPrefix.TryParse(text, out _));
    }
}
