using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Daemon.Api;

/// <summary>An incident (one verdict with its evidence) as the API and the dashboard show it.</summary>
public sealed record IncidentView
{
    public required Guid Id { get; init; }

    /// <summary>"203.0.113.7" or "2001:db8::/64".</summary>
    public required string Source { get; init; }

    public required string Scan { get; init; }

    public required string Detector { get; init; }

    public required string Tool { get; init; }

    public required DateTimeOffset DecidedAt { get; init; }

    public required string Summary { get; init; }

    public double Score { get; init; }

    public double Threshold { get; init; }

    public int Probes { get; init; }

    public IReadOnlyList<ushort> PortsProbed { get; init; } = [];

    public IReadOnlyList<ushort> ClosedPorts { get; init; } = [];

    public IReadOnlyList<ushort> OpenPortsReached { get; init; } = [];

    public string? Fingerprint { get; init; }

    public DateTimeOffset FirstSeen { get; init; }

    public DateTimeOffset LastSeen { get; init; }

    public Guid? BanId { get; init; }

    public bool SourceVerified { get; init; }

    public static IncidentView From(Guid id, Verdict verdict, Guid? banId)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var e = verdict.Evidence;
        return new IncidentView
        {
            Id = id,
            Source = verdict.Source.ToString(),
            Scan = ScanNames.Of(verdict.Scan),
            Detector = ScanNames.Of(verdict.Detector),
            Tool = ScanNames.Of(verdict.Tool),
            DecidedAt = FromNs(verdict.DecidedAtNs),
            Summary = e.Summary,
            Score = e.Score,
            Threshold = e.Threshold,
            Probes = e.Probes,
            PortsProbed = e.PortsProbed,
            ClosedPorts = e.ClosedPorts,
            OpenPortsReached = e.OpenPortsReached,
            Fingerprint = e.FingerprintDetail,
            FirstSeen = FromNs(e.FirstSeenNs),
            LastSeen = FromNs(e.LastSeenNs),
            BanId = banId,
            SourceVerified = verdict.SourceVerified,
        };
    }

    public static IncidentView From(StoredIncident stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return From(stored.Id, stored.Verdict, stored.BanId);
    }

    private static DateTimeOffset FromNs(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
}
