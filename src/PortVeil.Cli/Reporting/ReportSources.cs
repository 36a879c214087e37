using PortVeil.Cli.Analysis;
using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Cli.Reporting;

/// <summary>Reads a report's data from the daemon's database or from captures analysed by the analyze pipeline.</summary>
internal static class ReportSources
{
    /// <summary>
    /// At most this many incidents are read from a database: 100 000 rows make a report of a few MB that a browser
    /// still opens in about a second; beyond it the report says it is truncated.
    /// </summary>
    public const int MaxIncidents = 100_000;

    /// <summary>Event rows (one per source, minute, protocol and tag) read for the probes-over-time chart.</summary>
    public const int MaxEventRows = 500_000;

    public static ReportData FromAnalyses(IReadOnlyList<FileAnalysis> analyses, string title, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(analyses);
        var incidents = new List<ReportIncident>();
        var warnings = new List<string>();
        foreach (var a in analyses)
        {
            if (a.FatalError is not null)
            {
                warnings.Add(a.FatalError);
                continue;
            }

            if (a.Errors.Count > 0)
            {
                warnings.Add($"{a.File}: {a.Errors.Count} bad record(s) skipped; first: {(a.Errors.Kept.Count > 0 ? a.Errors.Kept[0] : null)}");
            }

            foreach (var s in a.Scanners)
            {
                var e = s.Verdict.Evidence;
                incidents.Add(new ReportIncident(
                    s.SourceText,
                    s.Source,
                    s.Verdict.Source.IsPrefix,
                    Timestamps.ToDateTime(s.DecidedAtNs),
                    s.Scan,
                    s.Tool,
                    s.Detector,
                    s.PortsProbed,
                    s.ExposedPorts,
                    s.Probes,
                    e.Summary,
                    e.FingerprintDetail,
                    Path.GetFileName(a.File),
                    Banned: false));
            }
        }

        incidents.Sort((x, y) => x.DecidedAt.CompareTo(y.DecidedAt));
        return new ReportData
        {
            Title = title,
            InputDescription = "captures analysed offline: " + string.Join(", ", analyses.Select(a => Path.GetFileName(a.File))),
            GeneratedAt = now,
            Incidents = incidents,
            Warnings = warnings,
            HasBanData = false,
        };
    }

    public static async Task<ReportData> FromStoreAsync(
        IIncidentStore incidents, IBanStore bans, IEventStore events, string location, DateTimeOffset since, DateTimeOffset until, string title, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        ArgumentNullException.ThrowIfNull(bans);
        ArgumentNullException.ThrowIfNull(events);
        var stored = await incidents.ListIncidentsAsync(since, until, MaxIncidents + 1, cancellationToken);
        var list = new List<ReportIncident>(Math.Min(stored.Count, MaxIncidents));
        for (var i = 0; i < stored.Count && i < MaxIncidents; i++)
        {
            var v = stored[i].Verdict;
            var e = v.Evidence;
            list.Add(new ReportIncident(
                v.Source.ToString(),
                v.Source.Address,
                v.Source.IsPrefix,
                Timestamps.ToDateTime(v.DecidedAtNs),
                v.Scan,
                v.Tool,
                v.Detector,
                e.PortsProbed,
                e.OpenPortsReached,
                e.Probes,
                e.Summary,
                e.FingerprintDetail,
                stored[i].OriginHost,
                stored[i].BanId is not null));
        }

        var banList = new List<ReportBan>();
        foreach (var b in await bans.ListBansStartedSinceAsync(since, cancellationToken))
        {
            if (b.Ban.StartedAt >= until)
            {
                continue;
            }

            banList.Add(new ReportBan(
                b.Ban.Target.ToString(),
                b.Ban.StartedAt,
                b.Ban.ExpiresAt,
                b.EndedAt,
                b.EndReason is { } r ? r.ToString().ToLowerInvariant() : null,
                b.Ban.Reason,
                ScanNames.Of(b.Ban.Scan),
                ScanNames.Of(b.Ban.Tool),
                b.Ban.EscalationLevel,
                b.Ban.DryRun));
        }

        var minutes = new SortedDictionary<long, long>();
        foreach (var row in await events.ListEventsAsync(since, until, null, MaxEventRows, cancellationToken))
        {
            if (row.Tag == PacketTag.Reply)
            {
                continue;
            }

            minutes[row.BucketStartMs] = minutes.GetValueOrDefault(row.BucketStartMs) + row.Packets;
        }

        return new ReportData
        {
            Title = title,
            InputDescription = $"database {location}, {Format(since)} to {Format(until)}",
            GeneratedAt = until,
            Incidents = list,
            Bans = banList,
            ProbeMinutes = [.. minutes.Select(kv => (DateTimeOffset.FromUnixTimeMilliseconds(kv.Key), kv.Value))],
            HasBanData = true,
            Truncated = stored.Count > MaxIncidents,
        };
    }

    private static string Format(DateTimeOffset t) =>
        t == DateTimeOffset.MinValue ? "the beginning" : t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
