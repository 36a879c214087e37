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
    // The origin's writer may commit a ban's incident in the batch after its ban (a ban cuts the batch wait short):
    // look for the evidence up to 5 times, 200 ms apart, before publishing the ban without it.
    private const int EvidenceAttempts = 5;
    private static readonly TimeSpan EvidenceRetry = TimeSpan.FromMilliseconds(200);

    public static void Connect(FleetImporter importer, IIncidentStore incidents, LiveFeed feed, PortVeilMetrics metrics, CancellationToken stopping)
    {
        importer.Decided += import => metrics.FleetImport(OutcomeName(import.Outcome));
        importer.Enforced += (stored, now) =>
        {
            metrics.FleetPropagationLag(Math.Max(0, (now - stored.Ban.StartedAt).TotalSeconds));

            // Off the importer's task, so the next ban's import never waits for this one's evidence.
            _ = Task.Run(() => PublishImportedAsync(stored, now, incidents, feed, stopping), CancellationToken.None);
        };
    }

    private static async Task PublishImportedAsync(StoredBan stored, DateTimeOffset now, IIncidentStore store, LiveFeed feed, CancellationToken stopping)
    {
        IReadOnlyList<StoredIncident> incidents = [];
        try
        {
            for (var attempt = 1; attempt <= EvidenceAttempts; attempt++)
            {
                incidents = await store.ListIncidentsByBanAsync(stored.Ban.Id, stopping);
                if (incidents.Count > 0 || attempt == EvidenceAttempts)
                {
                    break;
                }

                await Task.Delay(EvidenceRetry, stopping);
            }
        }
        catch (Exception e) when (e is StorageException or OperationCanceledException or ObjectDisposedException)
        {
            // Stopping, or the database briefly away: the dashboard still gets the ban; `explain` reads the evidence later.
        }

        feed.Publish("ban", BanView.From(stored, incidents, now));
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
