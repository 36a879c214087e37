namespace PortVeil.Daemon.Api;

/// <summary>The data of an "unban" or "allow" live event: what changed, an optional comment, and who did it ("api").</summary>
public sealed record LiveChange(string Target, string? Comment, string By);
