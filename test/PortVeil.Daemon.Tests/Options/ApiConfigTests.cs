using PortVeil.Daemon.Api;
using PortVeil.Daemon.Options;
using PortVeil.Daemon.Pipeline;

namespace PortVeil.Daemon.Tests.Options;

/// <summary>The [api] section: loopback by default, a remote address only when allowed explicitly.</summary>
public class ApiConfigTests
{
    private const string File = "/etc/portveil/portveil.toml";

    [Fact]
    public void The_defaults_listen_on_loopback_with_a_root_only_token_file()
    {
        var r = ConfigLoader.LoadText("", File);
        Assert.Empty(r.Errors);
        Assert.True(r.Config.Api.Enabled);
        Assert.Equal("127.0.0.1:9870", r.Config.Api.Listen);
        Assert.Equal("/etc/portveil/api.token", r.Config.Api.TokenFile);
        Assert.Same(r.Config.Api, DaemonStages.From(r.Config).Api);
    }

    [Fact]
    public void A_disabled_api_gives_the_daemon_no_api()
    {
        var r = ConfigLoader.LoadText("[api]\nenabled = false\n", File);
        Assert.Empty(r.Errors);
        Assert.Null(DaemonStages.From(r.Config).Api);
    }

    [Fact]
    public void A_non_loopback_listen_address_is_refused_unless_allow_remote_is_set()
    {
        var refused = ConfigLoader.LoadText("[api]\nlisten = \"0.0.0.0:9870\"\n", File);
        var error = Assert.Single(refused.Errors);
        Assert.Equal("api.listen", error.Key);
        Assert.Equal(2, error.Line);
        Assert.Contains("allow_remote = true", error.Message, StringComparison.Ordinal);

        var allowed = ConfigLoader.LoadText("[api]\nlisten = \"0.0.0.0:9870\"\nallow_remote = true\n", File);
        Assert.Empty(allowed.Errors);
        Assert.Equal("0.0.0.0:9870", allowed.Config.Api.Listen);
    }

    [Theory]
    [InlineData("\"::1:9870\"", "brackets")]
    [InlineData("\"portveil.example:9870\"", "not an IP address")]
    [InlineData("\"127.0.0.1\"", "ADDRESS:PORT")]
    [InlineData("\"127.0.0.1:70000\"", "ADDRESS:PORT")]
    [InlineData("9870", "expected an address:port")]
    public void A_malformed_listen_address_is_an_error_naming_the_key(string value, string says)
    {
        var r = ConfigLoader.LoadText($"[api]\nlisten = {value}\n", File);
        var error = Assert.Single(r.Errors);
        Assert.Equal("api.listen", error.Key);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[::1]:9870")]
    [InlineData("localhost:9870")]
    [InlineData("127.0.0.2:1")]
    public void Loopback_addresses_of_every_form_are_accepted(string listen)
    {
        var r = ConfigLoader.LoadText($"[api]\nlisten = \"{listen}\"\n", File);
        Assert.Empty(r.Errors);
        Assert.Empty(new ApiOptions { Listen = listen }.Problems());
    }
}
