using PortVeil.Core;
using PortVeil.Daemon.Api;
using PortVeil.Daemon.Metrics;
using PortVeil.Storage;

namespace PortVeil.Daemon.Fleet;

/// <summary>
/// Fleet imports in /metrics (outcomes, propagation lag), and fleet bans on the live dashboard feed, like local bans (<see cref="Pipeline.BanStage"/>): a correlated ban this host
/// made ("ban" + "incident"), and another host's ban imported here ("ban", with its origin host and evidence).
/// </summary>
internal static class FleetFeed
{
    public static void Connect(FleetImporter importer, LiveFeed feed, PortVeilMetrics metrics)
    {
        importer.Decided += import => metrics.FleetImport(OutcomeName(import.Outcome));
        importer.Enforced += (stored, incidents, now) =>
        {
            metrics.FleetPropagationLag(Math.Max(0, (now - stored.Ban.StartedAt).TotalSeconds));
            feed.Publish("ban", BanView.From(stored, incidents, now));
        };
    }

    // The label values of portveil_fleet_imports_total (the names fleet_imports stores).
    private static string OutcomeName(FleetImportOutcome outcome) => outcome switch
    {
        FleetImportOutcome.Enforced => "enforced",
        FleetImportOutcome.Allowlisted => "allowlisted",
        FleetImportOutcome.AwaitingConsensus => "awaiting_consensus",
        _ => "unknown",
    };

    public static void PublishCorrelated(LiveFeed feed, BanRecord ban, Guid incidentId, Verdict verdict)
    {
        var incident = new StoredIncident { Id = incidentId, Verdict = verdict, BanId = ban.Id, OriginHost = ban.OriginHost };
        feed.Publish("ban", BanView.From(new StoredBan { Ban = ban }, [incident], ban.StartedAt));
        feed.Publish("incident", IncidentView.From(incidentId, verdict, ban.Id));
    }
}
