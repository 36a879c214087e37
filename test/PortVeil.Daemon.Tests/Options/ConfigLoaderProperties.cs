using CsCheck;
using PortVeil.Daemon.Options;
using PortVeil.TestSupport;

namespace PortVeil.Daemon.Tests.Options;

/// <summary>
/// Hostile or broken config text gives <see cref="ConfigError"/>s naming the file and, for syntax errors, the line;
/// never an exception. Short runs here; PORTVEIL_FUZZ_SECONDS for the long run (see Fuzz).
/// </summary>
public class ConfigLoaderProperties
{
    private static readonly string Valid = ConfigDocs.ExampleToml();

    private static readonly string[] ValidLines = Valid.Split('\n');

    private static void AssertReported(ConfigLoadResult r, string text, string file)
    {
        var lines = text.Count(c => c == '\n') + 1;
        foreach (var e in r.Errors)
        {
            Assert.Equal(file, e.File);
            Assert.False(string.IsNullOrEmpty(e.Message));
            Assert.True(e.Line >= 0 && e.Line <= lines, e.ToString());
            // A syntax error (no key) is always tied to a line.
            Assert.True(e.Key.Length > 0 || e.Line > 0, "syntax error without a line: " + e);
        }
    }

    [Fact]
    public void Random_text_never_throws_and_every_error_names_the_file_and_line() =>
        Fuzz.Run(Gen.String[Gen.Char, 0, 400], text => AssertReported(ConfigLoader.LoadText(text, "fuzz.toml"), text, "fuzz.toml"), 2000);

    [Fact]
    public void Random_TOML_like_text_never_throws()
    {
        var pieces = Gen.OneOfConst(
            "[", "]", "[[", "]]", "=", "\"", "'", "\"\"\"", "'''", ",", ".", "\n", "\r\n", " ", "#", "{", "}", "-", "/",
            "daemon", "detection", "kernel", "sensor", "storage", "api", "webhooks", "notifications", "window", "dry_run",
            "ignore_networks", "tripwire_ports", "always_served", "url", "secret", "udp/", "3s", "1h30m", "0.5", "1e999",
            "-1", "65536", "9223372036854775807", "-9223372036854775809", "0x7fffffff", "0o777", "0b11", "true",
            "1979-05-27", "1979-05-27T07:32:00Z", "192.0.2.0/24", "::/0", "nan", "inf", "-inf", "\\u0000", "\\uD800",
            "\u00e9", "\u0000", "\ufeff");
        Fuzz.Run(pieces.Array[0, 80], parts =>
        {
            var text = string.Concat(parts);
            AssertReported(ConfigLoader.LoadText(text, "fuzz.toml"), text, "fuzz.toml");
        }, 3000);
    }

    [Fact]
    public void Mutations_of_the_default_file_never_throw() =>
        Fuzz.Run(Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Int[0, 40], Gen.String[Gen.Char, 0, 6]), (at, cut, insert) =>
        {
            var text = Valid[..at] + insert + Valid[Math.Min(Valid.Length, at + cut)..];
            AssertReported(ConfigLoader.LoadText(text, "mutated.toml"), text, "mutated.toml");
        }, 2000);

    [Fact]
    public void Lines_of_the_default_file_shuffled_duplicated_and_uncommented_never_throw() =>
        // Uncommenting every line puts real keys under the wrong tables and values of one key under another.
        Fuzz.Run(Gen.Select(Gen.Int[0, ValidLines.Length - 1].Array[1, 60], Gen.Bool), (picks, uncomment) =>
        {
            var text = string.Join('\n', picks.Select(i => uncomment ? ValidLines[i].TrimStart('#', ' ') : ValidLines[i]));
            AssertReported(ConfigLoader.LoadText(text, "shuffled.toml"), text, "shuffled.toml");
        }, 2000);
}
