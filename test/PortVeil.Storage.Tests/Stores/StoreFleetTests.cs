using PortVeil.Core;

namespace PortVeil.Storage.Tests.Stores;

/// <summary>Fleet records (schema version 4) every backend must keep; run by SqliteStoreFleetTests and PostgresStoreFleetTests.</summary>
public abstract class StoreFleetTests(ITestDatabase db) : IDisposable
{
    private readonly ITestDatabase _db = db;

    public void Dispose()
    {
        _db.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_fleet_import_decision_is_replaced_not_duplicated_per_host()
    {
        using var store = _db.OpenStore();
        var ban = Some.Ban(Some.Address(), Some.T0, TimeSpan.FromHours(1));
        await store.RecordBanAsync(ban);

        await store.RecordFleetImportAsync(new FleetImport { BanId = ban.Id, Host = "host-b", DecidedAt = Some.T0.AddSeconds(1), Outcome = FleetImportOutcome.AwaitingConsensus, Detail = "1 of 2 hosts reported it" });
        await store.RecordFleetImportAsync(new FleetImport { BanId = ban.Id, Host = "host-b", DecidedAt = Some.T0.AddSeconds(9), Outcome = FleetImportOutcome.Enforced });
        await store.RecordFleetImportAsync(new FleetImport { BanId = ban.Id, Host = "host-c", DecidedAt = Some.T0.AddSeconds(2), Outcome = FleetImportOutcome.Allowlisted, Detail = "allowlisted on host-c: 203.0.113.0/24" });

        var imports = await store.ListFleetImportsAsync(ban.Id);

        Assert.Equal(["host-c", "host-b"], imports.Select(i => i.Host));
        Assert.Equal(FleetImportOutcome.Allowlisted, imports[0].Outcome);
        Assert.Equal("allowlisted on host-c: 203.0.113.0/24", imports[0].Detail);
        Assert.Equal(FleetImportOutcome.Enforced, imports[1].Outcome);
        Assert.Null(imports[1].Detail);
        Assert.Equal(Some.T0.AddSeconds(9), imports[1].DecidedAt);
    }

    [Fact]
    public async Task Reporting_hosts_are_counted_once_each_within_the_window()
    {
        using var store = _db.OpenStore();
        var scanner = Some.Address(9);
        await store.RecordIncidentAsync(Some.Incident(scanner, Some.T0.AddMinutes(1)));
        await store.RecordIncidentAsync(Some.Incident(scanner, Some.T0.AddMinutes(2)));
        await store.RecordIncidentAsync(Some.Incident(scanner, Some.T0.AddMinutes(3)) with { OriginHost = "host-b" });
        await store.RecordIncidentAsync(Some.Incident(scanner, Some.T0.AddMinutes(-30)) with { OriginHost = "host-old" });
        await store.RecordIncidentAsync(Some.Incident(Some.Address(10), Some.T0.AddMinutes(3)) with { OriginHost = "host-other-source" });

        // A detector-made ban counts as a report even before its incident is written; a manual or dry-run one does not.
        await store.RecordBanAsync(Some.Ban(scanner, Some.T0.AddMinutes(4), TimeSpan.FromHours(1)) with { OriginHost = "host-c" });
        await store.RecordBanAsync(Some.Ban(scanner, Some.T0.AddMinutes(4), TimeSpan.FromHours(1)) with { OriginHost = "host-manual", Detector = null });
        await store.RecordBanAsync(Some.Ban(scanner, Some.T0.AddMinutes(4), TimeSpan.FromHours(1), dryRun: true) with { OriginHost = "host-dry" });

        Assert.Equal(3, await store.CountReportingHostsAsync(SourceKey.ForAddress(scanner), Some.T0));
        Assert.Equal(4, await store.CountReportingHostsAsync(SourceKey.ForAddress(scanner), Some.T0.AddHours(-1)));
        Assert.Equal(0, await store.CountReportingHostsAsync(SourceKey.ForAddress(Some.Address(11)), Some.T0));
    }
}
