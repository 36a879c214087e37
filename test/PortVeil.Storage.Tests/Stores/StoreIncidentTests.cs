using PortVeil.Core;

namespace PortVeil.Storage.Tests.Stores;

/// <summary>Incident behaviours every backend must show; run by SqliteStoreIncidentTests and PostgresStoreIncidentTests.</summary>
public abstract class StoreIncidentTests(ITestDatabase db) : IDisposable
{
    private readonly ITestDatabase _db = db;

    public void Dispose()
    {
        _db.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task An_incident_reads_back_as_the_same_verdict_with_its_full_evidence()
    {
        using var store = _db.OpenStore();
        var banId = Guid.CreateVersion7();
        // Full evidence: the sample's, plus group members (one IPv4, one IPv6), which the sample leaves empty.
        var evidence = Some.Evidence(Some.T0, group: [NetAddress.Parse("203.0.113.8"), NetAddress.Parse("2001:db8::5")]);
        var incident = Some.Incident(Some.Verdict(Some.Address(), Some.T0, evidence), banId);

        await store.RecordIncidentAsync(incident);
        var read = Assert.Single(await store.ListIncidentsAsync(Some.T0.AddMinutes(-1), Some.T0.AddMinutes(1)));

        Assert.Equal(incident.Id, read.Id);
        Assert.Equal(banId, read.BanId);
        Assert.Equal("host-a", read.OriginHost);
        var (v, r) = (incident.Verdict, read.Verdict);
        Assert.Equal(v.Source, r.Source);
        Assert.Equal(v.Scan, r.Scan);
        Assert.Equal(v.Detector, r.Detector);
        Assert.Equal(v.Tool, r.Tool);
        Assert.Equal(v.DecidedAtNs, r.DecidedAtNs);
        Assert.Equal(v.SourceVerified, r.SourceVerified);
        Assertions.SameEvidence(v.Evidence, r.Evidence);
    }

    [Fact]
    public async Task Time_range_queries_are_half_open_and_ordered()
    {
        using var store = _db.OpenStore();
        for (var i = 0; i < 5; i++)
        {
            await store.RecordIncidentAsync(Some.Incident(Some.Address(i + 1), Some.T0.AddMinutes(i)));
        }

        var middle = await store.ListIncidentsAsync(Some.T0.AddMinutes(1), Some.T0.AddMinutes(3));
        Assert.Equal([Some.Address(2), Some.Address(3)], middle.Select(x => x.Verdict.Source.Address));

        var since = await store.ListIncidentsAsync(Some.T0.AddMinutes(3), DateTimeOffset.MaxValue, limit: 10);
        Assert.Equal(2, since.Count);
    }

    [Fact]
    public async Task Source_queries_separate_an_ipv6_address_from_its_64()
    {
        using var store = _db.OpenStore();
        var addr = NetAddress.Parse("2001:db8:0:1::9");
        var single = Some.Incident(addr, Some.T0);
        var decided = Some.T0.AddMinutes(1);
        var prefix = Some.Incident(Some.Verdict(SourceKey.ForPrefix64(addr), decided, Some.Evidence(decided, detector: DetectorKind.Distributed), ScanKind.Distributed));
        await store.RecordIncidentAsync(single);
        await store.RecordIncidentAsync(prefix);
        await store.RecordIncidentAsync(Some.Incident(Some.Address(), Some.T0));

        var bySingle = await store.ListIncidentsBySourceAsync(SourceKey.ForAddress(addr));
        var byPrefix = await store.ListIncidentsBySourceAsync(SourceKey.ForPrefix64(addr));

        Assert.Equal(single.Id, Assert.Single(bySingle).Id);
        var p = Assert.Single(byPrefix);
        Assert.Equal(prefix.Id, p.Id);
        Assert.True(p.Verdict.Source.IsPrefix);
        Assert.Equal(ScanKind.Distributed, p.Verdict.Scan);
    }

    [Fact]
    public async Task An_ipv4_24_subnet_source_reads_back_as_the_24_and_is_found_by_it_apart_from_its_members()
    {
        using var store = _db.OpenStore();
        var member = NetAddress.Parse("198.51.100.77");
        var v = Some.Verdict(member, Some.T0.AddMinutes(1));
        var subnet = Some.Incident(member, Some.T0.AddMinutes(1)) with
        {
            Verdict = new Verdict
            {
                Source = SourceKey.ForPrefix24(member),
                Scan = ScanKind.Distributed,
                Detector = DetectorKind.Distributed,
                DecidedAtNs = v.DecidedAtNs,
                Evidence = v.Evidence,
            },
        };
        var single = Some.Incident(member, Some.T0);
        await store.RecordIncidentAsync(subnet);
        await store.RecordIncidentAsync(single);

        var all = await store.ListIncidentsAsync(Some.T0.AddMinutes(-1), Some.T0.AddMinutes(2));
        var bySubnet = await store.ListIncidentsBySourceAsync(SourceKey.ForPrefix24(member));
        var byMember = await store.ListIncidentsBySourceAsync(SourceKey.ForAddress(member));

        var read = Assert.Single(all, i => i.Id == subnet.Id).Verdict.Source;
        Assert.Equal(SourceKey.ForPrefix24(member), read);
        Assert.Equal(SourceKeyKind.IPv4Prefix24, read.Kind);
        Assert.Equal("198.51.100.0/24", read.ToString());
        Assert.True(read.IsNetwork);
        Assert.Equal(subnet.Id, Assert.Single(bySubnet).Id);
        Assert.Equal(single.Id, Assert.Single(byMember).Id);
        Assert.Equal(SourceKeyKind.IPv4, Assert.Single(all, i => i.Id == single.Id).Verdict.Source.Kind);
    }

    [Fact]
    public async Task A_row_whose_source_kind_does_not_fit_its_address_is_a_rejected_record_naming_the_database_not_a_wrong_key()
    {
        using var store = _db.OpenStore();
        await store.RecordIncidentAsync(Some.Incident(Some.Address(), Some.T0));
        Assert.Equal(1, _db.Execute("UPDATE incidents SET source_kind = 2")); // an IPv6 /64 kind on an IPv4 address

        var e = await Assert.ThrowsAsync<StorageException>(() => store.ListIncidentsAsync(Some.T0.AddMinutes(-1), Some.T0.AddMinutes(1)));

        Assert.Equal(StorageErrorKind.Rejected, e.Kind);
        Assert.Contains(store.Location, e.Message, StringComparison.Ordinal);
        Assert.Contains("source_kind 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incidents_are_found_by_their_ban()
    {
        using var store = _db.OpenStore();
        var ban = Some.Ban(Some.Address(), Some.T0, TimeSpan.FromHours(1));
        await store.RecordBanAsync(ban);
        var first = Some.Incident(Some.Address(), Some.T0.AddSeconds(-5), ban.Id);
        var second = Some.Incident(Some.Address(), Some.T0, ban.Id);
        await store.RecordIncidentAsync(second);
        await store.RecordIncidentAsync(first);
        await store.RecordIncidentAsync(Some.Incident(Some.Address(), Some.T0.AddHours(3)));

        var linked = await store.ListIncidentsByBanAsync(ban.Id);

        Assert.Equal([first.Id, second.Id], linked.Select(i => i.Id));
    }
}
