using PortVeil.Daemon.Options;

namespace PortVeil.Daemon.Tests.Options;

public class ConfigErrorTests
{
    [Fact]
    public void An_error_names_file_line_and_key()
    {
        var e = new ConfigError("/etc/portveil/portveil.toml", 12, "policy.ban_time", "must be a duration such as \"1h\"");
        Assert.Equal("/etc/portveil/portveil.toml:12: policy.ban_time: must be a duration such as \"1h\"", e.ToString());
    }

    [Fact]
    public void A_syntax_error_has_no_key()
    {
        Assert.Equal("a.toml:3: unterminated string", new ConfigError("a.toml", 3, "", "unterminated string").ToString());
    }
}
