namespace PortVeil.Daemon.Notifications;

/// <summary>What a webhook is sent for; `events = ["ban", "unban", "incident"]` in [[webhooks]].</summary>
[Flags]
public enum WebhookEvents
{
    None = 0,

    /// <summary>A ban went into the kernel (not dry-run decisions, not failed kernel bans).</summary>
    Ban = 1,

    /// <summary>A ban was lifted before its expiry (an operator's unban, an allowlisting).</summary>
    Unban = 2,

    /// <summary>Every verdict, banned or not (allowlisted, dry-run, below the policy), with its evidence.</summary>
    Incident = 4,
}
