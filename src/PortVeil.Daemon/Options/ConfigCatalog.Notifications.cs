using PortVeil.Daemon.Notifications;
using PortVeil.Daemon.Options.Types;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Notifications()
    {
        const string S = "notifications";
        var backoff = new DurationType(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        return new ConfigSection(S, "Pushing incidents and bans out as they happen: a JSON-lines file for Loki/Splunk, and webhooks (each a [[webhooks]] table, see docs/integrations.md).",
        [
            ConfigKey.Create(S, "incident_log", PathType.Optional,
                "JSON-lines file each incident is appended to as it happens (fields in docs/integrations.md), e.g. \"/var/log/portveil/incidents.jsonl\"; \"\" for none.",
                c => c.Notifications.IncidentLog, (c, v) => c.Notifications.IncidentLog = v, nameof(NotificationOptions.IncidentLog)),
            ConfigKey.Create(S, "incident_log_max_bytes", new IntegerType(4096, 1L << 40, "bytes"),
                "Size at which the incident log is rotated (renamed to .1, .2 …; followers such as Promtail keep up).",
                c => c.Notifications.IncidentLogMaxBytes, (c, v) => c.Notifications.IncidentLogMaxBytes = v, nameof(NotificationOptions.IncidentLogMaxBytes)),
            ConfigKey.Create(S, "incident_log_files", new IntegerType(1, 100, "files"),
                "Rotated incident log files kept; the oldest is deleted.",
                c => c.Notifications.IncidentLogFiles, (c, v) => c.Notifications.IncidentLogFiles = (int)v, nameof(NotificationOptions.IncidentLogFiles)),
            ConfigKey.Create(S, "webhook_queue", new IntegerType(1, 1_000_000, "messages"),
                "Messages waiting per webhook while its receiver is slow or down; beyond this new ones are dropped and counted (a ban never waits).",
                c => c.Notifications.WebhookQueue, (c, v) => c.Notifications.WebhookQueue = (int)v, nameof(NotificationOptions.WebhookQueue)),
            ConfigKey.Create(S, "webhook_attempts", new IntegerType(1, 100, "attempts"),
                "Attempts per webhook message (network errors, timeouts, 408, 425, 429 and 5xx are retried; other 4xx are not).",
                c => c.Notifications.WebhookAttempts, (c, v) => c.Notifications.WebhookAttempts = (int)v, nameof(NotificationOptions.WebhookAttempts)),
            ConfigKey.Create(S, "webhook_backoff", backoff,
                "Wait before the first retry; it doubles after each failed attempt.",
                c => c.Notifications.WebhookBackoff, (c, v) => c.Notifications.WebhookBackoff = v, nameof(NotificationOptions.WebhookBackoff)),
            ConfigKey.Create(S, "webhook_max_backoff", backoff,
                "Longest wait between two attempts.",
                c => c.Notifications.WebhookMaxBackoff, (c, v) => c.Notifications.WebhookMaxBackoff = v, nameof(NotificationOptions.WebhookMaxBackoff)),
        ], c => [.. Annotations(c.Notifications), .. c.Notifications.Validate(includeWebhooks: false)]);
    }
}
