using PortVeil.Core;
using PortVeil.Storage.Tests.Stores;

namespace PortVeil.Storage.Tests.Sqlite;

public sealed class SqliteStoreIncidentTests : StoreIncidentTests
{
    private readonly TempDatabase _db;

    public SqliteStoreIncidentTests()
        : this(new TempDatabase())
    {
    }

    private SqliteStoreIncidentTests(TempDatabase db)
        : base(db) => _db = db;

    [Fact]
    public async Task Evidence_is_stored_as_the_documented_json_shape()
    {
        using var store = _db.Open();
        var evidence = Some.Evidence(Some.T0, group: [NetAddress.Parse("203.0.113.8"), NetAddress.Parse("2001:db8::5")]);
        await store.RecordIncidentAsync(Some.Incident(Some.Verdict(Some.Address(), Some.T0, evidence)));

        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT evidence FROM incidents";
        var json = (string)cmd.ExecuteScalar()!;

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(
            ["v", "detector", "score", "threshold", "summary", "probes", "ports_probed", "closed_ports", "open_ports_reached", "flags",
             "tool", "fingerprint", "hosts_probed", "group_members", "first_seen_ns", "last_seen_ns"],
            names);
        Assert.Equal("trw", doc.RootElement.GetProperty("detector").GetString());
        Assert.Equal("syn", doc.RootElement.GetProperty("flags")[0].GetString());
        Assert.Equal("2001:db8::5", doc.RootElement.GetProperty("group_members")[1].GetString());
        Assert.Contains("ln Λ 6.93", json, StringComparison.Ordinal);
    }
}
