using System.ComponentModel.DataAnnotations;

namespace PortVeil.Daemon.Notifications;

/// <summary>[notifications] and [[webhooks]]: where incidents and bans are pushed as they happen.</summary>
public sealed class NotificationOptions
{
    /// <summary>A JSON-lines file each incident is appended to as it happens; empty = none.</summary>
    public string IncidentLog { get; set; } = NotificationOptionsDefaults.IncidentLog;

    [Range(4096, 1L << 40, ErrorMessage = "IncidentLogMaxBytes must be between 4096 bytes and 1 TiB")]
    public long IncidentLogMaxBytes { get; set; } = NotificationOptionsDefaults.IncidentLogMaxBytes;

    [Range(1, 100, ErrorMessage = "IncidentLogFiles must be between 1 and 100")]
    public int IncidentLogFiles { get; set; } = NotificationOptionsDefaults.IncidentLogFiles;

    [Range(1, 1_000_000, ErrorMessage = "WebhookQueue must be between 1 and 1000000")]
    public int WebhookQueue { get; set; } = NotificationOptionsDefaults.WebhookQueue;

    [Range(1, 100, ErrorMessage = "WebhookAttempts must be between 1 and 100")]
    public int WebhookAttempts { get; set; } = NotificationOptionsDefaults.WebhookAttempts;

    public TimeSpan WebhookBackoff { get; set; } = NotificationOptionsDefaults.WebhookBackoff;

    public TimeSpan WebhookMaxBackoff { get; set; } = NotificationOptionsDefaults.WebhookMaxBackoff;

    /// <summary>The [[webhooks]] entries, in file order.</summary>
    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>Every problem with the combined values, naming properties (the loader maps them to keys).</summary>
    public IReadOnlyList<string> Validate() => Validate(includeWebhooks: true);

    /// <summary>The loader checks each [[webhooks]] entry with its lines as it reads it, so it validates only the rest here.</summary>
    internal IReadOnlyList<string> Validate(bool includeWebhooks)
    {
        var problems = new List<string>();
        if (IncidentLog.Length > 0 && !IncidentLog.StartsWith('/'))
        {
            problems.Add("IncidentLog must be an absolute path or empty");
        }

        if (WebhookBackoff <= TimeSpan.Zero || WebhookMaxBackoff < WebhookBackoff)
        {
            problems.Add("WebhookBackoff must be positive and at most WebhookMaxBackoff");
        }

        foreach (var w in includeWebhooks ? Webhooks : [])
        {
            var at = w.Line > 0 ? $"[[webhooks]] at line {w.Line}" : "[[webhooks]]";
            if (!Uri.TryCreate(w.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"{at}: url must be an absolute http:// or https:// URL");
            }

            if (w.Secret.Length < 16)
            {
                problems.Add($"{at}: secret must be at least 16 characters (receivers verify X-PortVeil-Signature with it)");
            }

            if (w.Events == WebhookEvents.None)
            {
                problems.Add($"{at}: events must name at least one of ban, unban, incident");
            }

            if (w.Timeout <= TimeSpan.Zero || w.Timeout > TimeSpan.FromMinutes(2))
            {
                problems.Add($"{at}: timeout must be between 1ms and 2m");
            }
        }

        return problems;
    }
}
