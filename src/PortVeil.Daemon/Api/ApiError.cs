namespace PortVeil.Daemon.Api;

/// <summary>Every error body: {"error": "what was wrong and what to do"}.</summary>
public sealed record ApiError(string Error);
