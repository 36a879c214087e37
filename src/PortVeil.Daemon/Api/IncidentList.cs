namespace PortVeil.Daemon.Api;

/// <summary>GET /api/v1/incidents: incidents decided in [since, until), oldest first.</summary>
public sealed record IncidentList(DateTimeOffset Since, DateTimeOffset Until, int Count, IReadOnlyList<IncidentView> Incidents);
