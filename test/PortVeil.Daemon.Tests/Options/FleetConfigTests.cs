using PortVeil.Daemon.Options;
using PortVeil.Daemon.Pipeline;
using PortVeil.Storage;

namespace PortVeil.Daemon.Tests.Options;

public sealed class FleetConfigTests
{
    private const string File = "/etc/portveil/portveil.toml";

    private static ConfigLoadResult Load(string text) => ConfigLoader.LoadText(text, File);

    [Fact]
    public void A_fleet_host_file_selects_postgresql_and_reaches_the_daemon_stages()
    {
        var r = Load("""
            [storage]
            backend = "postgresql"
            postgresql_host = "db.example"
            postgresql_port = 6432
            postgresql_database = "fleet"
            postgresql_user = "pv"
            postgresql_password_file = "/etc/portveil/pg.password"
            [fleet]
            enabled = true
            consensus = 2
            consensus_window = "30m"
            """);

        Assert.Empty(r.Errors);
        var stages = DaemonStages.From(r.Config);
        Assert.Equal(StorageBackend.Postgresql, stages.StorageBackend);
        Assert.Equal(("db.example", 6432, "fleet", "pv", "/etc/portveil/pg.password"),
            (stages.Postgres.Host, stages.Postgres.Port, stages.Postgres.Database, stages.Postgres.Username, stages.Postgres.PasswordFile));
        Assert.True(stages.Fleet.Enabled);
        Assert.Equal(2, stages.Fleet.Consensus);
        Assert.Equal(TimeSpan.FromMinutes(30), stages.Fleet.ConsensusWindow);
    }

    [Fact]
    public void A_password_in_the_connection_string_is_an_error_naming_the_password_file_key()
    {
        var r = Load("""
            [storage]
            backend = "postgresql"
            postgresql_connection = "Host=db.example;Username=pv;Password=hunter2"
            """);

        var error = Assert.Single(r.Errors);
        Assert.Contains("postgresql_password_file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fleet_mode_on_sqlite_is_an_error()
    {
        var r = Load("""
            [fleet]
            enabled = true
            """);

        var error = Assert.Single(r.Errors);
        Assert.Contains("storage.backend = \"postgresql\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_backend_is_refused_with_the_choices()
    {
        var r = Load("""
            [storage]
            backend = "mysql"
            """);

        var error = Assert.Single(r.Errors);
        Assert.Equal("storage.backend", error.Key);
        Assert.Contains("sqlite, postgresql", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edge-1")]
    [InlineData("web_2.example.org")]
    [InlineData("A")]
    [InlineData("h23456789012345678901234567890123456789012345678")]
    public void A_valid_fleet_host_name_is_the_name_the_daemon_records_under(string name)
    {
        var r = Load($"[fleet]\nhost_name = \"{name}\"\n");

        Assert.Empty(r.Errors);
        Assert.Equal(name, DaemonStages.From(r.Config).HostName);
        Assert.Equal(name, r.Config.Fleet.EffectiveHostName);
    }

    [Fact]
    public void Without_fleet_host_name_the_daemon_records_under_the_machine_name()
    {
        var r = Load("[fleet]\nhost_name = \"\"\n");

        Assert.Empty(r.Errors);
        Assert.Equal("", r.Config.Fleet.HostName);
        Assert.Equal(Environment.MachineName, DaemonStages.From(r.Config).HostName);
        Assert.Equal(Environment.MachineName, DaemonStages.From(Load("").Config).HostName);
    }

    [Theory]
    [InlineData("edge 1")]
    [InlineData("edge/1")]
    [InlineData("edge;rm")]
    [InlineData("édge")]
    [InlineData("h234567890123456789012345678901234567890123456789")]
    public void A_fleet_host_name_with_other_characters_or_over_48_is_an_error_naming_the_key_and_line(string name)
    {
        var r = Load($"[fleet]\nconsensus = 1\nhost_name = \"{name}\"\n");

        var error = Assert.Single(r.Errors);
        Assert.Equal("fleet.host_name", error.Key);
        Assert.Equal(3, error.Line);
        Assert.Contains("1 to 48 letters, digits", error.Message, StringComparison.Ordinal);
    }
}
