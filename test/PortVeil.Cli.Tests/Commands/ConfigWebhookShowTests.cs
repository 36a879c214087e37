using System.Text.Json;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>`config show` lists [[webhooks]] entries with their secrets redacted, in text and JSON.</summary>
public sealed class ConfigWebhookShowTests : IDisposable
{
    private const string Secret = "do-not-print-this-secret-0123";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("portveil-cli-webhooks-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write()
    {
        var path = Path.Combine(_dir.FullName, "portveil.toml");
        File.WriteAllText(path, $"""
            [[webhooks]]
            url = "https://hooks.example.net/portveil"
            secret = "{Secret}"
            events = ["ban", "incident"]
            """);
        return path;
    }

    [Fact]
    public void Show_prints_each_webhook_and_never_its_secret()
    {
        var (exit, stdout, stderr) = CliRunner.Run("config", "show", "--config", Write());

        Assert.True(exit == 0, stderr);
        Assert.Contains("[[webhooks]]", stdout, StringComparison.Ordinal);
        Assert.Contains("url = \"https://hooks.example.net/portveil\"", stdout, StringComparison.Ordinal);
        Assert.Contains("events = [\"ban\", \"incident\"]", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_as_json_lists_webhooks_with_the_secret_redacted()
    {
        var (exit, stdout, _) = CliRunner.Run("config", "show", "--config", Write(), "--output", "json");

        Assert.Equal(0, exit);
        Assert.DoesNotContain(Secret, stdout, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stdout);
        var hook = Assert.Single(doc.RootElement.GetProperty("webhooks").EnumerateArray());
        Assert.Equal("(redacted)", hook.GetProperty("secret").GetString());
        Assert.Equal(["ban", "incident"], hook.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
    }
}
