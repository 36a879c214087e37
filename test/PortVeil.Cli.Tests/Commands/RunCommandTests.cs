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
}
