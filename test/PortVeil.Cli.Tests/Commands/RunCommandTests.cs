namespace PortVeil.Cli.Tests.Commands;

public class RunCommandTests
{
    [Fact]
    public void A_broken_configuration_stops_startup_with_every_problem_listed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pv-broken-{Guid.NewGuid():N}.toml");
        try
        {
            File.WriteAllText(path, """
                [policy]
                ban_time = "forever"
                allow = ["192.0.2.0/33"]

                [detection]
                windw = "3s"
                """);
            var (exit, _, error) = CliRunner.Run("run", "--config", path);
            Assert.Equal(78, exit);
            Assert.Contains("not starting", error, StringComparison.Ordinal);
            Assert.Contains($"{path}:2: policy.ban_time", error, StringComparison.Ordinal);
            Assert.Contains($"{path}:3: policy.allow", error, StringComparison.Ordinal);
            Assert.Contains($"{path}:6: detection.windw", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_with_database_on_a_fleet_configuration_is_refused_before_starting_naming_the_option_the_file_and_fleet_enabled()
    {
        var dir = Directory.CreateTempSubdirectory("pv-run-fleet-");
        try
        {
            var config = Path.Combine(dir.FullName, "portveil.toml");
            var database = Path.Combine(dir.FullName, "copy.db");
            // Port 1 on loopback: nothing listens; the refusal must come before any connection or daemon start.
            File.WriteAllText(config, "[storage]\nbackend = \"postgresql\"\npostgresql_host = \"127.0.0.1\"\npostgresql_port = 1\n[fleet]\nenabled = true\n");

            var (exit, stdout, error) = CliRunner.Run("run", "--config", config, "--database", database);

            Assert.Equal(78, exit);
            Assert.Equal("", stdout);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("portveil: --database ", line, StringComparison.Ordinal);
            Assert.Contains(config, line, StringComparison.Ordinal);
            Assert.Contains("fleet.enabled = true", line, StringComparison.Ordinal);
            Assert.False(File.Exists(database));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
