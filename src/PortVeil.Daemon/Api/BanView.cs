using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Daemon.Api;

/// <summary>A ban as the API and the dashboard show it, with a plain-language explanation.</summary>
public sealed record BanView
{
    public required Guid Id { get; init; }

    /// <summary>"203.0.113.7" or "2001:db8::/64".</summary>
    public required string Target { get; init; }

    public required string Reason { get; init; }

    public string? Detector { get; init; }

    public required string Scan { get; init; }

    public required string Tool { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public int EscalationLevel { get; init; }

    public bool DryRun { get; init; }

    public required string OriginHost { get; init; }

    /// <summary>Sentences built from the incidents behind the ban: what was probed, what it reached, why it was banned.</summary>
    public required string Explanation { get; init; }

    /// <summary>Open ports the source had reached before the ban (its exposure).</summary>
    public IReadOnlyList<ushort> OpenPortsReached { get; init; } = [];

    public IReadOnlyList<ushort> PortsProbed { get; init; } = [];

    public static BanView From(StoredBan stored, IReadOnlyList<StoredIncident> incidents)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(incidents);
        var ban = stored.Ban;
        var probed = new SortedSet<ushort>();
        var open = new SortedSet<ushort>();
        foreach (var i in incidents)
        {
            probed.UnionWith(i.Verdict.Evidence.PortsProbed);
            open.UnionWith(i.Verdict.Evidence.OpenPortsReached);
        }

        return new BanView
        {
            Id = ban.Id,
            Target = ban.Target.ToString(),
            Reason = ban.Reason,
            Detector = ban.Detector is { } d ? ScanNames.Of(d) : null,
            Scan = ScanNames.Of(ban.Scan),
            Tool = ScanNames.Of(ban.Tool),
            StartedAt = ban.StartedAt,
            ExpiresAt = ban.ExpiresAt,
            EscalationLevel = ban.EscalationLevel,
            DryRun = ban.DryRun,
            OriginHost = ban.OriginHost,
            Explanation = Explain(stored, incidents),
            OpenPortsReached = [.. open],
            PortsProbed = [.. probed],
        };
    }

    private static string Explain(StoredBan stored, IReadOnlyList<StoredIncident> incidents)
    {
        var ban = stored.Ban;
        var text = new System.Text.StringBuilder();
        var until = ban.ExpiresAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        text.Append(ban.DryRun ? "Would have banned " : "Banned ").Append(ban.Target.ToString()).Append(" until ").Append(until);
        if (ban.EscalationLevel > 0)
        {
            text.Append(" (repeat offender, level ").Append(ban.EscalationLevel).Append(')');
        }

        text.Append(": ").Append(ban.Reason.TrimEnd('.')).Append('.');
        if (ban.Detector is null)
        {
            text.Append(" Added by an operator.");
        }

        foreach (var incident in incidents)
        {
            var e = incident.Verdict.Evidence;
            var seconds = (e.LastSeenNs - e.FirstSeenNs) / 1e9;
            text.Append(' ').Append(ScanNames.Of(incident.Verdict.Scan)).Append(" scan seen by ").Append(ScanNames.Of(e.Detector))
                .Append(": ").Append(e.Probes).Append(" probes in ").Append(seconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture))
                .Append(" s to ").Append(e.PortsProbed.Count).Append(" ports (").Append(e.ClosedPorts.Count).Append(" closed); score ")
                .Append(e.Score.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)).Append(" against threshold ")
                .Append(e.Threshold.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)).Append('.');
            if (e.Tool != ScannerTool.Unknown)
            {
                text.Append(" Fingerprint: ").Append(ScanNames.Of(e.Tool));
                if (!string.IsNullOrEmpty(e.FingerprintDetail))
                {
                    text.Append(" (").Append(e.FingerprintDetail).Append(')');
                }

                text.Append('.');
            }

            text.Append(e.OpenPortsReached.Count == 0
                ? " It reached no open port."
                : " Open ports it had reached before the ban: " + string.Join(", ", e.OpenPortsReached) + ".");
        }

        return text.ToString();
    }
}
