using PortVeil.Cli.Operator;
using PortVeil.Daemon.Options;
using PortVeil.Storage;

namespace PortVeil.Cli.Tests.Commands;

public sealed class CliStoreTests
{
    private const string PostgresConfig = "[storage]\nbackend = \"postgresql\"\npostgresql_host = \"db.example\"\npath = \"/var/lib/portveil/portveil.db\"\n";

    [Fact]
    public void The_database_override_selects_sqlite_with_that_file_on_a_postgresql_configuration()
    {
        var loaded = ConfigLoader.LoadText(PostgresConfig, "/etc/portveil/portveil.toml");
        Assert.Empty(loaded.Errors);
        Assert.Equal(StorageBackend.Postgresql, loaded.Config.StorageBackend);

        CliStore.UseSqliteFile(loaded.Config, "/tmp/copy.db");

        Assert.Equal((StorageBackend.Sqlite, "/tmp/copy.db"), (loaded.Config.StorageBackend, loaded.Config.Sqlite.Path));
    }

    [Fact]
    public void Only_fleet_mode_makes_the_database_override_a_conflict_for_the_daemon()
    {
        var alone = ConfigLoader.LoadText(PostgresConfig, "/etc/portveil/portveil.toml");
        var fleet = ConfigLoader.LoadText(PostgresConfig + "[fleet]\nenabled = true\n", "/etc/portveil/portveil.toml");

        Assert.Null(CliStore.FleetConflict(alone.Config, alone.Path));
        var conflict = CliStore.FleetConflict(fleet.Config, fleet.Path);
        Assert.NotNull(conflict);
        Assert.Contains("/etc/portveil/portveil.toml sets fleet.enabled = true", conflict, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_verb_s_database_option_goes_through_the_same_override()
    {
        var dir = Directory.CreateTempSubdirectory("pv-clistore-");
        try
        {
            var path = Path.Combine(dir.FullName, "portveil.toml");
            File.WriteAllText(path, PostgresConfig);

            var config = CliStore.LoadConfig(path, "/tmp/copy.db", TextWriter.Null);

            Assert.NotNull(config);
            Assert.Equal((StorageBackend.Sqlite, "/tmp/copy.db"), (config.StorageBackend, config.Sqlite.Path));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
