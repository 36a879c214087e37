using PortVeil.Daemon.Metrics;
using PortVeil.Daemon.Operations;
using PortVeil.Storage;

namespace PortVeil.Daemon.Api;

/// <summary>What the API reads and acts on: the daemon's store, its live counters, its live feed and its metrics.</summary>
public sealed class ApiContext
{
    public required IBanStore Bans { get; init; }

    public required IIncidentStore Incidents { get; init; }

    public required Func<DaemonStatus> Status { get; init; }

    public required LiveFeed Feed { get; init; }

    public required PortVeilMetrics Metrics { get; init; }

    /// <summary>Unban and allow, shared with the CLI; null answers the actions with 503 (the daemon is still starting).</summary>
    public OperatorActions? Actions { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
