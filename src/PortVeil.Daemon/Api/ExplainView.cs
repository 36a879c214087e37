namespace PortVeil.Daemon.Api;

/// <summary>GET /api/v1/explain/ADDRESS: `portveil explain ban`'s account, one sentence per line.</summary>
public sealed record ExplainView(string Address, bool Active, string? BanTarget, string? KernelSet, IReadOnlyList<string> Account);
