using System.Text.Json;
using PortVeil.Daemon.Options;

namespace PortVeil.Cli.Tests.Commands;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("portveil-cli-config-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string text)
    {
        var path = Path.Combine(_dir.FullName, "portveil.toml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Check_of_a_clean_file_exits_0()
    {
        var path = Write("[kernel]\nraw_syn_drop = true\n");
        var (exit, stdout, _) = CliRunner.Run("config", "check", "--config", path);
        Assert.Equal(0, exit);
        Assert.Equal($"{path}: OK", stdout.Trim());
    }

    [Fact]
    public void Check_of_a_missing_file_exits_0_and_says_the_defaults_apply()
    {
        var (exit, stdout, _) = CliRunner.Run("config", "check", "--config", Path.Combine(_dir.FullName, "absent.toml"));
        Assert.Equal(0, exit);
        Assert.Contains("does not exist: PortVeil runs on the defaults", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_prints_every_error_with_file_line_and_key_and_exits_1()
    {
        var path = Write("[detection]\nwindow = \"3x\"\n\n[kernel]\nreflex_treshold = 3\n[storage]\nban_history_days = 0\n");
        var (exit, stdout, _) = CliRunner.Run("config", "check", "--config", path);
        Assert.Equal(1, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith($"{path}:2: detection.window: ", lines[0], StringComparison.Ordinal);
        Assert.Equal($"{path}:5: kernel.reflex_treshold: unknown key; did you mean kernel.reflex_threshold?", lines[1]);
        Assert.StartsWith($"{path}:7: storage.ban_history_days: 0 is out of range", lines[2], StringComparison.Ordinal);
        Assert.Equal($"{path}: 3 errors", lines[3]);
    }

    [Fact]
    public void Show_prints_every_key_with_its_effective_value()
    {
        var path = Write("[detection]\nwindow = \"5s\"\n");
        var (exit, stdout, _) = CliRunner.Run("config", "show", "--config", path);
        Assert.Equal(0, exit);
        Assert.Contains("[detection]\nwindow = \"5s\"\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        foreach (var key in ConfigCatalog.Keys)
        {
            Assert.Contains($"\n{key.Name} = ", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }

        // The text output is itself a valid portveil.toml with the same values.
        var reread = ConfigLoader.LoadText(stdout, "shown.toml");
        Assert.Empty(reread.Errors);
        Assert.Equal(TimeSpan.FromSeconds(5), reread.Config.Detection.Window);
    }

    [Fact]
    public void Show_with_sources_says_default_or_file_and_line()
    {
        var path = Write("# mine\n[kernel]\nreflex_threshold = 9\n");
        var (_, stdout, _) = CliRunner.Run("config", "show", "--config", path, "--sources");
        Assert.Contains($"reflex_threshold = 9  # {path}:3", stdout, StringComparison.Ordinal);
        Assert.Contains("reflex_meter = true  # default", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_as_json_gives_typed_values_sources_and_errors()
    {
        var path = Write("[daemon]\ndry_run = true\n[sensor]\nnflog_group = 99\n[detection]\nignore_networks = [\"192.0.2.0/24\"]\n[storage]\npath = \"relative\"\n");
        var (exit, stdout, _) = CliRunner.Run("config", "show", "--config", path, "--sources", "--output", "json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("file_found").GetBoolean());
        var keys = root.GetProperty("keys").EnumerateArray().ToDictionary(k => k.GetProperty("key").GetString()!, k => k);
        Assert.Equal(ConfigCatalog.Keys.Count(), keys.Count);
        Assert.True(keys["daemon.dry_run"].GetProperty("value").GetBoolean());
        Assert.Equal($"{path}:2", keys["daemon.dry_run"].GetProperty("source").GetString());
        Assert.Equal(99, keys["sensor.nflog_group"].GetProperty("value").GetInt32());
        Assert.Equal("192.0.2.0/24", keys["detection.ignore_networks"].GetProperty("value")[0].GetString());
        Assert.Equal("3s", keys["detection.window"].GetProperty("value").GetString());
        Assert.Equal("default", keys["detection.window"].GetProperty("source").GetString());
        var error = Assert.Single(root.GetProperty("errors").EnumerateArray());
        Assert.Equal(8, error.GetProperty("line").GetInt32());
        Assert.Equal("storage.path", error.GetProperty("key").GetString());
    }

    [Fact]
    public void Default_prints_a_file_that_check_accepts_and_that_holds_the_defaults()
    {
        var (exit, stdout, _) = CliRunner.Run("config", "default");
        Assert.Equal(0, exit);
        var path = Write(stdout);
        Assert.Equal(0, CliRunner.Run("config", "check", "--config", path).ExitCode);
        var loaded = ConfigLoader.Load(path);
        var fresh = new PortVeilConfig();
        foreach (var key in ConfigCatalog.Keys)
        {
            Assert.Equal(key.Type.ToToml(key.Get(fresh)), key.Type.ToToml(key.Get(loaded.Config)));
        }
    }
}
