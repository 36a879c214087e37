using Microsoft.Extensions.Logging;
using PortVeil.Daemon;
using PortVeil.Daemon.Fleet;
using PortVeil.Daemon.Metrics;
using PortVeil.IntegrationTests.Daemon;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Fleet;

/// <summary>
/// Two real daemons in two namespaces on one PostgreSQL database: a second host starting under a host name already
/// connected warns (log and /metrics) and still runs; hosts with distinct names do not warn.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class FleetHostNameTests(FleetClusterFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<FleetClusterFixture>
{
    private const int HostNameInUse = 1511;
    private const int HostNameCheckFailed = 1512;

    [Fact]
    public async Task A_second_daemon_under_the_same_host_name_warns_with_the_first_one_address_and_the_fix_and_still_starts()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        var options = new FleetOptions { Enabled = true };
        var logA = new DaemonLogCollector();
        var logB = new DaemonLogCollector();
        await fleet.A.StartAsync(fleet.Stages(fleet.A, "edge-clone", "postgres", options), logA);
        Assert.True(await FleetPair.WaitUntilAsync(() => fleet.A.Daemon!.Fleet!.Listening), "host A's listener should connect");

        await fleet.B.StartAsync(fleet.Stages(fleet.B, "edge-clone", "host_b", options), logB);

        var warning = Assert.Single(logB.Lines, l => l.EventId == HostNameInUse);
        output.WriteLine(warning.Message);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("under this host's name edge-clone (1 session(s); the first from 127.0.0.1, connected since 20", warning.Message, StringComparison.Ordinal);
        Assert.Contains("'portveil fleet edge-clone'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("never imported into this kernel", warning.Message, StringComparison.Ordinal);
        Assert.Contains("fleet.consensus counts both hosts as one", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Set a distinct fleet.host_name on each host", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, Duplicates(fleet.B.Daemon!));

        // Host A was alone when it started; host B is not refused: a stale session must not keep a host down.
        Assert.DoesNotContain(logA.Lines, l => l.EventId is HostNameInUse or HostNameCheckFailed);
        Assert.Equal(0, Duplicates(fleet.A.Daemon!));
        Assert.True(await FleetPair.WaitUntilAsync(() => fleet.B.Daemon!.Fleet!.Listening), "host B should run its fleet listener anyway");
    }

    [Fact]
    public async Task Daemons_with_distinct_host_names_on_one_database_do_not_warn()
    {
        await using var fleet = FleetPair.Create(fixture.Cluster);
        var options = new FleetOptions { Enabled = true };
        var logA = new DaemonLogCollector();
        var logB = new DaemonLogCollector();
        await fleet.A.StartAsync(fleet.Stages(fleet.A, "host-a", "postgres", options), logA);
        Assert.True(await FleetPair.WaitUntilAsync(() => fleet.A.Daemon!.Fleet!.Listening), "host A's listener should connect");

        await fleet.B.StartAsync(fleet.Stages(fleet.B, "host-b", "host_b", options), logB);
        Assert.True(await FleetPair.WaitUntilAsync(() => fleet.B.Daemon!.Fleet!.Listening), "host B's listener should connect");

        Assert.Contains(logB.Lines, l => l.EventId == 1504); // fleet mode started on B: the check ran and found no one
        Assert.DoesNotContain(logA.Lines.Concat(logB.Lines), l => l.EventId is HostNameInUse or HostNameCheckFailed);
        Assert.Equal(0, Duplicates(fleet.A.Daemon!));
        Assert.Equal(0, Duplicates(fleet.B.Daemon!));
    }

    private static double Duplicates(PortVeilDaemon daemon)
    {
        using var exporter = new PrometheusExporter(daemon.Metrics.Meter, daemon.Metrics.RefreshSnapshot);
        return PrometheusText.Parse(exporter.Collect()).Value("portveil_fleet_host_name_duplicates");
    }
}
