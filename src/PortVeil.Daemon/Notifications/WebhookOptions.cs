namespace PortVeil.Daemon.Notifications;

/// <summary>One [[webhooks]] entry of portveil.toml. Defaults: <see cref="NotificationOptionsDefaults"/>.</summary>
public sealed class WebhookOptions
{
    /// <summary>http:// or https:// URL the JSON is POSTed to. Redirects are not followed.</summary>
    public string Url { get; set; } = "";

    /// <summary>The HMAC-SHA256 key the receiver verifies X-PortVeil-Signature with (at least 16 characters).</summary>
    public string Secret { get; set; } = "";

    public WebhookEvents Events { get; set; } = NotificationOptionsDefaults.WebhookEvents;

    /// <summary>One attempt's limit (connect, send, response headers).</summary>
    public TimeSpan Timeout { get; set; } = NotificationOptionsDefaults.WebhookTimeout;

    /// <summary>The config file's line of the entry, for messages; 0 when built in code.</summary>
    internal int Line { get; set; }
}
