using PortVeil.Daemon.Notifications;
using PortVeil.Daemon.Options;

namespace PortVeil.Daemon.Tests.Options;

/// <summary>[notifications] and [[webhooks]] in portveil.toml: parsed, and every mistake named with its line and key.</summary>
public class WebhookConfigTests
{
    private const string File = "/etc/portveil/portveil.toml";

    [Fact]
    public void Two_webhooks_and_the_incident_log_are_read_in_file_order()
    {
        var r = ConfigLoader.LoadText("""
            [notifications]
            incident_log = "/var/log/portveil/incidents.jsonl"
            incident_log_max_bytes = 1_048_576
            webhook_backoff = "2s"

            [[webhooks]]
            url = "https://hooks.example.net/portveil"
            secret = "0123456789abcdef0123"
            events = ["ban", "incident"]
            timeout = "3s"

            [[webhooks]]
            url = "http://192.0.2.10:8080/hook"
            secret = "fedcba9876543210fedc"
            """, File);

        Assert.Empty(r.Errors);
        var n = r.Config.Notifications;
        Assert.Equal("/var/log/portveil/incidents.jsonl", n.IncidentLog);
        Assert.Equal(1_048_576, n.IncidentLogMaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(2), n.WebhookBackoff);
        Assert.Equal(2, n.Webhooks.Count);
        Assert.Equal("https://hooks.example.net/portveil", n.Webhooks[0].Url);
        Assert.Equal(WebhookEvents.Ban | WebhookEvents.Incident, n.Webhooks[0].Events);
        Assert.Equal(TimeSpan.FromSeconds(3), n.Webhooks[0].Timeout);
        Assert.Equal(NotificationOptionsDefaults.WebhookEvents, n.Webhooks[1].Events);
        Assert.Equal(NotificationOptionsDefaults.WebhookTimeout, n.Webhooks[1].Timeout);
        Assert.Empty(n.Validate());
    }

    [Fact]
    public void Webhook_mistakes_are_reported_with_their_lines_and_keys()
    {
        var r = ConfigLoader.LoadText("""
            [[webhooks]]
            url = "ftp://192.0.2.10/hook"
            secret = "short"
            events = ["ban", "reboot"]
            retries = 3

            [[webhooks]]
            events = "unban"
            """, File);

        var errors = r.Errors.Select(e => (e.Line, e.Key)).ToList();
        Assert.Contains((2, "webhooks.url"), errors);
        Assert.Contains((3, "webhooks.secret"), errors);
        Assert.Contains((4, "webhooks.events"), errors);
        Assert.Contains((5, "webhooks.retries"), errors);
        Assert.Contains((7, "webhooks.url"), errors);
        Assert.Contains((7, "webhooks.secret"), errors);
        Assert.Contains(r.Errors, e => e.Message.Contains("reboot", StringComparison.Ordinal));
    }

    [Fact]
    public void A_relative_incident_log_path_is_refused_and_an_empty_one_means_none()
    {
        var bad = ConfigLoader.LoadText("[notifications]\nincident_log = \"incidents.jsonl\"\n", File);
        var error = Assert.Single(bad.Errors);
        Assert.Equal("notifications.incident_log", error.Key);
        Assert.Equal(2, error.Line);

        var none = ConfigLoader.LoadText("[notifications]\nincident_log = \"\"\n", File);
        Assert.Empty(none.Errors);
        Assert.Equal("", none.Config.Notifications.IncidentLog);
    }

    [Fact]
    public void Another_array_of_tables_is_still_refused()
    {
        var error = Assert.Single(ConfigLoader.LoadText("[[detection]]\nwindow = \"3s\"\n", File).Errors);
        Assert.Contains("[[detection]]", error.Message, StringComparison.Ordinal);
    }
}
