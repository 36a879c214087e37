using System.Text.Json;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>`portveil incidents` on the configured backend; run on SQLite by SqliteIncidentsCommandTests and on PostgreSQL by PostgresIncidentsCommandTests.</summary>
public abstract class IncidentsCommandTests(OperatorState state) : IDisposable
{
    private readonly OperatorState _state = state;

    protected OperatorState State => _state;

    public void Dispose()
    {
        _state.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Incidents_lists_each_scan_with_detector_tool_ports_and_exposure()
    {
        await _state.RecordScanAsync("203.0.113.30", DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromHours(1));

        var (exit, stdout, _) = _state.Run("incidents");

        Assert.Equal(0, exit);
        var row = Assert.Single(stdout.Split('\n'), l => l.Contains("203.0.113.30", StringComparison.Ordinal));
        foreach (var expected in (string[])["syn", "trw", "nmap", "21, 23, 25, 8080", "22, 443", "yes"])
        {
            Assert.Contains(expected, row, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Incidents_since_leaves_out_older_ones_and_json_carries_the_evidence()
    {
        await _state.RecordScanAsync("203.0.113.31", DateTimeOffset.UtcNow.AddHours(-3), TimeSpan.FromHours(1));
        await _state.RecordScanAsync("203.0.113.32", DateTimeOffset.UtcNow.AddMinutes(-10), TimeSpan.FromHours(1));

        var (exit, stdout, _) = _state.Run("incidents", "--since", "1h", "--output", "json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var i = Assert.Single(doc.RootElement.GetProperty("incidents").EnumerateArray());
        Assert.Equal("203.0.113.32", i.GetProperty("source").GetString());
        Assert.Equal("trw", i.GetProperty("detector").GetString());
        Assert.Equal(6.931, i.GetProperty("score").GetDouble());
        Assert.Equal(4.595, i.GetProperty("threshold").GetDouble());
        Assert.Equal([22, 443], i.GetProperty("open_ports_reached").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal([21, 23, 25, 8080], i.GetProperty("closed_ports").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal("syn", i.GetProperty("flags").GetString());
        Assert.Equal("window 1024, lone MSS 1460", i.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task Incidents_since_an_ISO_time_works_and_a_bad_value_exits_2()
    {
        await _state.RecordScanAsync("203.0.113.33", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), TimeSpan.FromHours(1));

        var all = _state.Run("incidents", "--since", "2026-01-01T00:00:00Z", "-o", "json");
        var bad = _state.Run("incidents", "--since", "yesterday-ish");

        Assert.Equal(0, all.ExitCode);
        Assert.Single(JsonDocument.Parse(all.Out).RootElement.GetProperty("incidents").EnumerateArray());
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("neither a duration", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subnet_incident_of_a_campaign_is_listed_as_its_ipv4_24()
    {
        await _state.RecordScanAsync("198.51.100.0", DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromMinutes(10), prefixLength: 24);

        var text = _state.Run("incidents");
        var json = _state.Run("incidents", "-o", "json");

        Assert.Equal(0, text.ExitCode);
        Assert.Single(text.Out.Split('\n'), l => l.Contains("198.51.100.0/24", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal("198.51.100.0/24", Assert.Single(doc.RootElement.GetProperty("incidents").EnumerateArray()).GetProperty("source").GetString());
    }
}
