namespace PortVeil.Daemon.Notifications;

/// <summary>Defaults of <see cref="NotificationOptions"/> and <see cref="WebhookOptions"/>, with their reasons.</summary>
public static class NotificationOptionsDefaults
{
    /// <summary>Empty: no incident log file. The database keeps incidents; `portveil export incidents` writes them on demand.</summary>
    public const string IncidentLog = "";

    /// <summary>64 MiB: at ~1 KB per incident, 60 000 incidents per file, days of a busy host; Promtail and the Splunk forwarder follow renames.</summary>
    public const long IncidentLogMaxBytes = 64L * 1024 * 1024;

    /// <summary>5 rotated files (incidents.jsonl.1 … .5): at most 384 MiB on disk with the default size.</summary>
    public const int IncidentLogFiles = 5;

    /// <summary>
    /// 1000 messages waiting per webhook: an hour-long receiver outage during a scan wave (tens of bans a minute)
    /// still fits; beyond it new messages are dropped and counted, never blocking a ban.
    /// </summary>
    public const int WebhookQueue = 1000;

    /// <summary>6 attempts with the default backoff try for about 30 s (1+2+4+8+16) before giving a message up.</summary>
    public const int WebhookAttempts = 6;

    /// <summary>First retry after 1 s, doubling each time.</summary>
    public static readonly TimeSpan WebhookBackoff = TimeSpan.FromSeconds(1);

    /// <summary>No wait between attempts is longer than 5 minutes.</summary>
    public static readonly TimeSpan WebhookMaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>5 s per attempt: a receiver on the same LAN answers in milliseconds; chat services in well under a second.</summary>
    public static readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(5);

    public const WebhookEvents WebhookEvents = Notifications.WebhookEvents.Ban | Notifications.WebhookEvents.Unban;
}
