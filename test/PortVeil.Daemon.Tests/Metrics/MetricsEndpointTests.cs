using System.Diagnostics.Metrics;
using System.Net;
using PortVeil.Core;
using PortVeil.Daemon.Api;
using PortVeil.Daemon.Metrics;
using PortVeil.Daemon.Tests.Api;
using PortVeil.TestSupport;

namespace PortVeil.Daemon.Tests.Metrics;

/// <summary>/metrics scraped over HTTP from the real server and parsed as Prometheus text.</summary>
public class MetricsEndpointTests
{
    [Fact]
    public async Task Scraped_metrics_parse_as_prometheus_text_and_carry_the_recorded_values()
    {
        await using var api = await TestApi.StartAsync();
        api.Status = new DaemonStatus { Events = 98765, ActiveBans = 3, KernelOverruns = 4, TrackedSources = 1200, StorageQueueDepth = 17, RealtimeThreads = 1, RealtimeDemotions = 5 };
        api.Metrics.Verdict(DetectorKind.Trw, ScanKind.Syn);
        api.Metrics.Verdict(DetectorKind.Trw, ScanKind.Syn);
        api.Metrics.Verdict(DetectorKind.StealthFlags, ScanKind.Fin);
        api.Metrics.Ban(dryRun: false);
        api.Metrics.Ban(dryRun: false);
        api.Metrics.Ban(dryRun: true);
        api.Metrics.BanFailure();
        api.Metrics.BanLatency(0.0004);
        api.Metrics.BanLatency(0.003);
        api.Metrics.BanLatency(0.003);
        api.Metrics.BanLatency(20);

        using var response = await api.Authorized.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var m = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("counter", m.Types["portveil_verdicts_total"]);
        Assert.Equal(2, m.Value("portveil_verdicts_total", ("detector", "trw"), ("scan", "syn")));
        Assert.Equal(1, m.Value("portveil_verdicts_total", ("detector", "stealth-flags"), ("scan", "fin")));
        Assert.Equal(2, m.Value("portveil_bans_total", ("mode", "enforced")));
        Assert.Equal(1, m.Value("portveil_bans_total", ("mode", "dry-run")));
        Assert.Equal(1, m.Value("portveil_ban_failures_total"));
        Assert.Equal(0, m.Value("portveil_unbans_total"));

        Assert.Equal("counter", m.Types["portveil_events_total"]);
        Assert.Equal(98765, m.Value("portveil_events_total"));
        Assert.Equal("gauge", m.Types["portveil_bans_active"]);
        Assert.Equal(3, m.Value("portveil_bans_active"));
        Assert.Equal(4, m.Value("portveil_kernel_overruns_total"));
        Assert.Equal(1200, m.Value("portveil_engine_sources"));
        Assert.Equal(17, m.Value("portveil_storage_queue_depth"));
        Assert.Equal("gauge", m.Types["portveil_ban_path_realtime_threads"]);
        Assert.Equal(1, m.Value("portveil_ban_path_realtime_threads"));
        Assert.Equal("counter", m.Types["portveil_ban_path_realtime_demotions_total"]);
        Assert.Equal(5, m.Value("portveil_ban_path_realtime_demotions_total"));

        Assert.Equal("histogram", m.Types["portveil_ban_latency_seconds"]);
        Assert.Equal(1, m.Value("portveil_ban_latency_seconds_bucket", ("le", "0.0005")));
        Assert.Equal(1, m.Value("portveil_ban_latency_seconds_bucket", ("le", "0.001")));
        Assert.Equal(3, m.Value("portveil_ban_latency_seconds_bucket", ("le", "0.005")));
        Assert.Equal(3, m.Value("portveil_ban_latency_seconds_bucket", ("le", "10")));
        Assert.Equal(4, m.Value("portveil_ban_latency_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(4, m.Value("portveil_ban_latency_seconds_count"));
        Assert.Equal(20.0064, m.Value("portveil_ban_latency_seconds_sum"), 9);

        // Buckets are cumulative: never decreasing in le order.
        var buckets = m.Samples.Where(s => s.Name == "portveil_ban_latency_seconds_bucket").Select(s => s.Value).ToList();
        Assert.Equal(buckets.Order(), buckets);
        foreach (var name in m.Types.Keys)
        {
            Assert.StartsWith("portveil_", name, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(m.Help[name]), name);
        }
    }

    [Fact]
    public async Task Observable_values_follow_the_daemon_between_scrapes()
    {
        await using var api = await TestApi.StartAsync();
        api.Status = new DaemonStatus { Events = 10, ActiveBans = 1 };
        var first = PrometheusText.Parse(await api.Authorized.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        api.Status = new DaemonStatus { Events = 25, ActiveBans = 0 };
        var second = PrometheusText.Parse(await api.Authorized.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.Equal(10, first.Value("portveil_events_total"));
        Assert.Equal(25, second.Value("portveil_events_total"));
        Assert.Equal(1, first.Value("portveil_bans_active"));
        Assert.Equal(0, second.Value("portveil_bans_active"));
    }

    [Fact]
    public void Two_meters_with_the_same_name_are_exported_separately()
    {
        using var a = new PortVeilMetrics();
        using var b = new PortVeilMetrics();
        using var exportA = new PrometheusExporter(a.Meter);
        using var exportB = new PrometheusExporter(b.Meter);
        a.Unban();
        a.Unban();
        b.Unban();
        Assert.Equal(2, PrometheusText.Parse(exportA.Collect()).Value("portveil_unbans_total"));
        Assert.Equal(1, PrometheusText.Parse(exportB.Collect()).Value("portveil_unbans_total"));
    }

    [Fact]
    public void Spoofed_packets_dropped_by_the_kernel_are_exported_per_check()
    {
        using var metrics = new PortVeilMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);
        metrics.ObserveSpoofDrops(() => new PortVeil.Enforcement.Nftables.SpoofDrops(LocalSource: 17, ReversePath: 40_002));

        var text = PrometheusText.Parse(exporter.Collect());

        Assert.Equal(17, text.Value("portveil_kernel_spoofed_total", ("check", "local_source")));
        Assert.Equal(40_002, text.Value("portveil_kernel_spoofed_total", ("check", "reverse_path")));
    }

    [Fact]
    public void Fleet_metrics_are_exported_with_their_labels_and_are_zero_without_fleet_mode()
    {
        using var metrics = new PortVeilMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);
        var idle = PrometheusText.Parse(exporter.Collect());
        Assert.Equal(0, idle.Value("portveil_fleet_listener_connected"));
        Assert.Equal(0, idle.Value("portveil_fleet_consensus_pending"));
        Assert.Equal(0, idle.Value("portveil_fleet_host_name_duplicates"));
        Assert.Equal(0, idle.Value("portveil_fleet_correlation_decisions_total", ("kind", "prefix"), ("outcome", "banned")));

        metrics.ObserveFleet(() => new PortVeil.Daemon.Fleet.FleetStatus
        {
            ListenerConnected = true,
            ListenerReconnects = 2,
            AwaitingConsensus = 3,
            UnbanNotifications = 4,
            SourceBans = 5,
            PrefixBans = 6,
            Lost = 7,
            Refused = 8,
            DuplicateHostNameSessions = 1,
        });
        metrics.FleetImport("enforced");
        metrics.FleetImport("enforced");
        metrics.FleetImport("awaiting_consensus");
        metrics.FleetPropagationLag(0.0018);
        metrics.FleetPropagationLag(3);

        var m = PrometheusText.Parse(exporter.Collect());

        Assert.Equal("counter", m.Types["portveil_fleet_imports_total"]);
        Assert.Equal(2, m.Value("portveil_fleet_imports_total", ("outcome", "enforced")));
        Assert.Equal(1, m.Value("portveil_fleet_imports_total", ("outcome", "awaiting_consensus")));
        Assert.Equal("histogram", m.Types["portveil_fleet_propagation_lag_seconds"]);
        Assert.Equal(1, m.Value("portveil_fleet_propagation_lag_seconds_bucket", ("le", "0.0025")));
        Assert.Equal(2, m.Value("portveil_fleet_propagation_lag_seconds_bucket", ("le", "5")));
        Assert.Equal(2, m.Value("portveil_fleet_propagation_lag_seconds_count"));
        Assert.Equal("gauge", m.Types["portveil_fleet_consensus_pending"]);
        Assert.Equal(3, m.Value("portveil_fleet_consensus_pending"));
        Assert.Equal(5, m.Value("portveil_fleet_correlation_decisions_total", ("kind", "source"), ("outcome", "banned")));
        Assert.Equal(6, m.Value("portveil_fleet_correlation_decisions_total", ("kind", "prefix"), ("outcome", "banned")));
        Assert.Equal(7, m.Value("portveil_fleet_correlation_decisions_total", ("kind", "any"), ("outcome", "lost")));
        Assert.Equal(8, m.Value("portveil_fleet_correlation_decisions_total", ("kind", "any"), ("outcome", "refused")));
        Assert.Equal(1, m.Value("portveil_fleet_listener_connected"));
        Assert.Equal(2, m.Value("portveil_fleet_listener_reconnects_total"));
        Assert.Equal(4, m.Value("portveil_fleet_unban_notifications_total"));
        Assert.Equal("gauge", m.Types["portveil_fleet_host_name_duplicates"]);
        Assert.Equal(1, m.Value("portveil_fleet_host_name_duplicates"));
    }

    [Fact]
    public void Label_values_with_quotes_backslashes_and_newlines_are_escaped_and_parse_back()
    {
        using var meter = new Meter("PortVeil.Test");
        using var exporter = new PrometheusExporter(meter);
        var counter = meter.CreateCounter<long>("test.things", "{thing}", "Things.");
        const string Nasty = "a \"quoted\" \\ back\nslash";
        counter.Add(5, new KeyValuePair<string, object?>("label", Nasty));
        var text = exporter.Collect();
        Assert.Contains("label=\"a \\\"quoted\\\" \\\\ back\\nslash\"", text, StringComparison.Ordinal);
        Assert.Equal(5, PrometheusText.Parse(text).Value("test_things_total", ("label", Nasty)));
    }

    [Fact]
    public async Task The_grafana_dashboard_queries_only_metrics_that_are_exported()
    {
        await using var api = await TestApi.StartAsync();
        api.Metrics.BanLatency(0.001);
        var exported = PrometheusText.Parse(await api.Authorized.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Types.Keys.ToHashSet();
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "grafana-portveil.json")));
        var queried = new HashSet<string>();
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(target.GetProperty("expr").GetString()!, "portveil_[a-z_]+"))
                {
                    queried.Add(System.Text.RegularExpressions.Regex.Replace(m.Value, "_(bucket|sum|count)$", ""));
                }
            }
        }

        Assert.True(queried.Count >= 8, string.Join(", ", queried));
        Assert.Subset(exported, queried);
    }

    [Theory]
    [InlineData("portveil_x{a=\"1\" 2\n")]
    [InlineData("portveil_x 1 2 3x\n")]
    [InlineData("9bad 1\n")]
    [InlineData("# TYPE portveil_x counter\n# TYPE portveil_x gauge\n")]
    [InlineData("# TYPE portveil_x sometimes\n")]
    public void The_test_parser_rejects_text_that_prometheus_would_reject(string text)
    {
        Assert.ThrowsAny<Exception>(() => PrometheusText.Parse(text));
    }
}
