namespace PortVeil.Storage;

/// <summary>
/// Retention defaults. Sizes measured on this schema: an event row is ~90 bytes with its index share, an
/// incident ~1 KB (evidence JSON with up to 64 ports), a ban ~200 bytes. The caps bound the file to roughly
/// 0.45 GB + 0.5 GB + 0.1 GB in the worst case.
/// </summary>
public static class RetentionOptionsDefaults
{
    public const int EventDays = 14;
    public const int IncidentDays = 180;

    /// <summary>A year, longer than any sensible escalation look-back (fail2ban's bantime.maxtime is often weeks).</summary>
    public const int BanHistoryDays = 365;

    public const long MaxEventRows = 5_000_000;
    public const long MaxIncidents = 500_000;
    public const long MaxBanHistory = 500_000;
}
