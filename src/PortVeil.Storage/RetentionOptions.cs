using System.ComponentModel.DataAnnotations;

namespace PortVeil.Storage;

/// <summary>How long each kind of row is kept, and how many at most. Active bans are never deleted.</summary>
public sealed class RetentionOptions
{
    /// <summary>Days of per-minute event aggregates kept.</summary>
    [Range(1, 3650)]
    public int EventDays { get; set; } = RetentionOptionsDefaults.EventDays;

    /// <summary>Days of incidents (verdicts with evidence) kept.</summary>
    [Range(1, 3650)]
    public int IncidentDays { get; set; } = RetentionOptionsDefaults.IncidentDays;

    /// <summary>
    /// Days an ended ban stays in history. Keep it at least as long as the escalation look-back, or repeat
    /// offenders are forgotten and start again at the base ban time.
    /// </summary>
    [Range(1, 3650)]
    public int BanHistoryDays { get; set; } = RetentionOptionsDefaults.BanHistoryDays;

    [Range(1000, long.MaxValue)]
    public long MaxEventRows { get; set; } = RetentionOptionsDefaults.MaxEventRows;

    [Range(1000, long.MaxValue)]
    public long MaxIncidents { get; set; } = RetentionOptionsDefaults.MaxIncidents;

    /// <summary>Cap on ended bans; active bans are not counted and never deleted.</summary>
    [Range(1000, long.MaxValue)]
    public long MaxBanHistory { get; set; } = RetentionOptionsDefaults.MaxBanHistory;
}
