namespace PortVeil.Cli.Reporting;

/// <summary>One ban as the report lists it.</summary>
internal sealed record ReportBan(
    string Target,
    DateTimeOffset StartedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    string Reason,
    string Scan,
    string Tool,
    int EscalationLevel,
    bool DryRun);
