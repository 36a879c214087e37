using PortVeil.Core;
using PortVeil.Daemon.Operations;
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

    /// <summary>The plain-language account of `portveil explain ban`: packets, ports, detector, fingerprint, exposure.</summary>
    public required string Explanation { get; init; }

    /// <summary>Open ports the source had reached before the ban (its exposure).</summary>
    public IReadOnlyList<ushort> OpenPortsReached { get; init; } = [];

    public IReadOnlyList<ushort> PortsProbed { get; init; } = [];

    /// <summary>
    /// The view of <paramref name="stored"/>; its explanation is `portveil explain ban`'s account
    /// (<see cref="BanExplainer"/>) except the kernel sentence: a list does not read the kernel set for every ban
    /// (GET /api/v1/explain/ADDRESS does).
    /// </summary>
    public static BanView From(StoredBan stored, IReadOnlyList<StoredIncident> incidents, DateTimeOffset now)
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

        var account = BanExplainer.WithAccount(new BanExplanation
        {
            Address = ban.Target.Address,
            Ban = stored,
            Active = stored.IsActiveAt(now),
            Incidents = incidents,
            KernelProblem = $"a ban list does not read the kernel; GET /api/v1/explain/{ban.Target.Address} or `portveil explain ban {ban.Target.Address}` names the rule that drops it",
        }, now).Account;
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
            Explanation = string.Join(" ", account),
            OpenPortsReached = [.. open],
            PortsProbed = [.. probed],
        };
    }
}
