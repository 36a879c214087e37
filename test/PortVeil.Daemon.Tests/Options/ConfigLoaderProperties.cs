using CsCheck;
using PortVeil.Daemon.Options;

namespace PortVeil.Daemon.Tests.Options;

/// <summary>Hostile or broken config text gives errors, never an exception.</summary>
public class ConfigLoaderProperties
{
    private static readonly string Valid = ConfigDocs.ExampleToml();

    [Fact]
    public void Random_text_never_throws_and_every_error_has_a_message()
    {
        Gen.String[Gen.Char, 0, 400].Sample(text =>
        {
            var r = ConfigLoader.LoadText(text, "fuzz.toml");
            Assert.All(r.Errors, e => Assert.False(string.IsNullOrEmpty(e.Message)));
        }, iter: 2000);
    }

    [Fact]
    public void Random_TOML_like_text_never_throws()
    {
        var pieces = Gen.OneOfConst(
            "[", "]", "[[", "]]", "=", "\"", "'", "\"\"\"", ",", ".", "\n", " ", "#", "{", "}", "-", "/",
            "daemon", "detection", "kernel", "sensor", "storage", "window", "dry_run", "ignore_networks", "tripwire_ports",
            "always_served", "udp/", "3s", "1h30m", "0.5", "1e999", "-1", "65536", "9223372036854775807", "true",
            "1979-05-27", "192.0.2.0/24", "::/0", "nan", "inf", "\\u0000", "\u00e9");
        pieces.Array[0, 80].Sample(parts =>
        {
            var r = ConfigLoader.LoadText(string.Concat(parts), "fuzz.toml");
            Assert.All(r.Errors, e => Assert.True(e.Line >= 0));
        }, iter: 3000);
    }

    [Fact]
    public void Mutations_of_the_default_file_never_throw()
    {
        Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Int[0, 40], Gen.String[Gen.Char.AlphaNumeric, 0, 6]).Sample((at, cut, insert) =>
        {
            var text = Valid[..at] + insert + Valid[Math.Min(Valid.Length, at + cut)..];
            var r = ConfigLoader.LoadText(text, "mutated.toml");
            Assert.All(r.Errors, e => Assert.True(e.Line >= 0 && e.Line <= text.Count(c => c == '\n') + 1, e.ToString()));
        }, iter: 2000);
    }
}
