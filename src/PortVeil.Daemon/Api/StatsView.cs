namespace PortVeil.Daemon.Api;

/// <summary>GET /api/v1/stats: the daemon's counters and the number of live dashboard connections.</summary>
public sealed record StatsView(DaemonStatus Daemon, int LiveClients);
