namespace PortVeil.Daemon.Api;

/// <summary>GET /api/v1/bans: active bans, newest first; <see cref="Truncated"/> when `limit` cut the list.</summary>
public sealed record BanList(int Active, bool Truncated, IReadOnlyList<BanView> Bans);
