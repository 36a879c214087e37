using System.Text.Json;
using PortVeil.Cli.Commands;

namespace PortVeil.Cli.Tests.Commands;

public sealed class IncidentsCommandTests : IDisposable
{
    private readonly OperatorState _state = new();

    public void Dispose() => _state.Dispose();

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
    public void Since_accepts_durations_and_absolute_times()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        Assert.True(IncidentsCommand.TryParseSince("90m", now, out var back));
        Assert.True(IncidentsCommand.TryParseSince("2026-11-25T08:00:00+02:00", now, out var absolute));

        Assert.Equal(now.AddMinutes(-90), back);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero), absolute);
    }
}
