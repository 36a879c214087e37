namespace PortVeil.Daemon.Api;

/// <summary>POST /api/v1/allow: {"network": "198.51.100.0/24", "comment": "office"}; the comment is optional.</summary>
public sealed record AllowRequest
{
    public required string Network { get; init; }

    public string? Comment { get; init; }
}
