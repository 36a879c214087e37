using PortVeil.Daemon.Options;

namespace PortVeil.Daemon.Tests.Options;

/// <summary>Inputs the config fuzzing (ConfigLoaderProperties) found, kept so they stay fixed.</summary>
public class ConfigFuzzRegressionTests
{
    // Shrunk from the fuzzer's input: a basic string whose last character in the file is a backslash. The TOML
    // parser (Tomlyn) throws ArgumentOutOfRangeException ("A valid UTF32 value is between 0x000000 and 0x10ffff")
    // instead of reporting it; the loader used to turn that into an error without a line.
    [Theory]
    [InlineData("\"\\", 1)]
    [InlineData("[daemon]\ndry_run = false\nstate_dir = \"/var/lib/\\", 3)]
    [InlineData("# comment\n\n[detection]\nwindow = \"\"\"-\\", 4)]
    public void Fuzz_finding_backslash_at_end_of_file_is_a_config_error_on_its_line(string text, int line)
    {
        var r = ConfigLoader.LoadText(text, "backslash.toml");

        var e = Assert.Single(r.Errors, e => e.Key.Length == 0);
        Assert.Equal("backslash.toml", e.File);
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"backslash.toml:{line}: cannot be parsed as TOML", e.ToString(), StringComparison.Ordinal);
    }
}
