namespace PortVeil.Cli.Reporting;

/// <summary>Everything one report shows, already read from its input; the HTML writer only formats it.</summary>
internal sealed class ReportData
{
    public required string Title { get; init; }

    /// <summary>What was read: the database path and period, or the capture files.</summary>
    public required string InputDescription { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public IReadOnlyList<ReportIncident> Incidents { get; init; } = [];

    public IReadOnlyList<ReportBan> Bans { get; init; } = [];

    /// <summary>Probe packets per minute from the daemon's event table (empty for captures).</summary>
    public IReadOnlyList<(DateTimeOffset Minute, long Packets)> ProbeMinutes { get; init; } = [];

    /// <summary>False for captures: offline analysis bans nothing, so the bans section says so instead of "none".</summary>
    public bool HasBanData { get; init; }

    /// <summary>Problems met while reading the input (bad records, unreadable files), shown at the top of the report.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>True when the input held more incidents than the report reads; the report says it is truncated.</summary>
    public bool Truncated { get; init; }
}
