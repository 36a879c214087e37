using System.Text.Json;
using PortVeil.Cli.Commands;
using PortVeil.Cli.Tests.Commands;
using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Cli.Tests.Reporting;

/// <summary>
/// `portveil export incidents`: JSON lines with the documented fields, from the database the configuration's
/// [storage] selects; run on SQLite by SqliteExportCommandTests and on PostgreSQL by PostgresExportCommandTests.
/// </summary>
public abstract class ExportCommandTests(OperatorState state) : IDisposable
{
    protected OperatorState State { get; } = state;

    public void Dispose()
    {
        State.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Each_incident_is_one_json_line_with_the_documented_fields_and_its_ban()
    {
        var store = new StoreContent(State);

        var (exit, stdout, err) = State.Run("export", "incidents", "--since", "1d");

        Assert.True(exit == 0, err);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        var o = first.RootElement;
        Assert.Equal("portveil.incident.v1", o.GetProperty("schema").GetString());
        Assert.Equal("203.0.113.7", o.GetProperty("source").GetString());
        Assert.Equal("address", o.GetProperty("source_kind").GetString());
        Assert.Equal("trw", o.GetProperty("detector").GetString());
        Assert.Equal("syn", o.GetProperty("scan").GetString());
        Assert.Equal("nmap", o.GetProperty("tool").GetString());
        Assert.Equal([21, 22, 23, 443, 8080], o.GetProperty("ports").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal([22, 443], o.GetProperty("exposure").EnumerateArray().Select(p => p.GetInt32()));
        var time = o.GetProperty("time").GetString()!;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", time);
        Assert.Equal(store.Now.AddHours(-3).UtcTicks / 10, DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture).UtcTicks / 10);
        var ban = o.GetProperty("ban");
        Assert.Equal(store.BanId.ToString("D"), ban.GetProperty("id").GetString());
        Assert.Equal("203.0.113.7", ban.GetProperty("target").GetString());
        Assert.Equal(1, ban.GetProperty("level").GetInt32());
        Assert.Equal(3600, ban.GetProperty("duration_seconds").GetDouble());

        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("2001:db8:5:6::/64", second.RootElement.GetProperty("source").GetString());
        Assert.Equal("ipv6_64", second.RootElement.GetProperty("source_kind").GetString());
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("ban").ValueKind);
        Assert.Empty(second.RootElement.GetProperty("exposure").EnumerateArray());
    }

    [Fact]
    public async Task A_campaign_subnet_incident_exports_as_its_ipv4_24_with_its_subnet_ban()
    {
        var banId = await State.RecordScanAsync("198.51.100.0", DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromMinutes(10), prefixLength: 24);

        var (exit, stdout, err) = State.Run("export", "incidents", "--since", "1h");

        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("198.51.100.0/24", doc.RootElement.GetProperty("source").GetString());
        Assert.Equal("ipv4_24", doc.RootElement.GetProperty("source_kind").GetString());
        Assert.Equal(banId.ToString("D"), doc.RootElement.GetProperty("ban").GetProperty("id").GetString());
        Assert.Equal("198.51.100.0/24", doc.RootElement.GetProperty("ban").GetProperty("target").GetString());
    }

    [Fact]
    public void Export_to_a_file_writes_the_same_lines_and_respects_since()
    {
        var store = new StoreContent(State);
        var file = Path.Combine(Path.GetTempPath(), $"pv-export-{Guid.NewGuid():N}.jsonl");
        try
        {
            var (exit, _, err) = State.Run("export", "incidents", "--since", "2h", "--output", file);

            Assert.True(exit == 0, err);
            Assert.Contains("Exported 1 incident(s)", err, StringComparison.Ordinal);
            var line = Assert.Single(File.ReadAllLines(file));
            using var doc = JsonDocument.Parse(line);
            Assert.Equal("masscan", doc.RootElement.GetProperty("tool").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_hostile_summary_stays_inside_its_json_string()
    {
        _ = new StoreContent(State, hostile: true);

        var (exit, stdout, _) = State.Run("export", "incidents", "--since", "1d");

        Assert.Equal(0, exit);
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(StoreContent.HostileSummary, doc.RootElement.GetProperty("summary").GetString());
        }
    }

    [Fact]
    public async Task An_export_larger_than_a_page_writes_every_incident_once_even_when_times_tie_at_page_boundaries()
    {
        const int count = (ExportCommand.PageSize * 2) + 1234;
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        using (var store = State.OpenStore())
        {
            var batch = new StorageBatch();
            for (var i = 0; i < count; i++)
            {
                // Three incidents share each nanosecond, so page boundaries fall inside a tie.
                var at = t0.AddTicks(i / 3 * 10);
                batch.Incidents.Add(new IncidentRecord
                {
                    Id = Guid.CreateVersion7(at),
                    Verdict = new Verdict
                    {
                        Source = SourceKey.ForAddress(NetAddress.FromV4(0xCB007100u + (uint)(i % 250) + 1)), // 203.0.113.1-250
                        Scan = ScanKind.Syn,
                        Detector = DetectorKind.WindowThreshold,
                        DecidedAtNs = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100,
                        Evidence = new Evidence
                        {
                            Detector = DetectorKind.WindowThreshold,
                            Score = 30,
                            Threshold = 21,
                            Summary = $"n={i}",
                            Probes = 30,
                            PortsProbed = [22],
                            ClosedPorts = [],
                            OpenPortsReached = [22],
                        },
                    },
                    OriginHost = "host-a",
                });
            }

            await store.WriteBatchAsync(batch);
        }

        var (exit, stdout, err) = State.Run("export", "incidents", "--since", "2h");

        Assert.True(exit == 0, err);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var summaries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            Assert.True(ids.Add(doc.RootElement.GetProperty("id").GetString()!), "an incident was written twice");
            summaries.Add(doc.RootElement.GetProperty("summary").GetString()!);
        }

        Assert.Equal(count, ids.Count);
        Assert.Equal(count, summaries.Count);
    }
}
