namespace PortVeil.Daemon.Api;

/// <summary>POST /api/v1/unban: {"target": "203.0.113.7"} (an address, or an IPv6 /64 such as "2001:db8::/64").</summary>
public sealed record UnbanRequest
{
    public required string Target { get; init; }
}
