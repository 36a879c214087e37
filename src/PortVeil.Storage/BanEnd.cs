namespace PortVeil.Storage;

/// <summary>The end of a ban: an unban, an expiry, or a replacement.</summary>
public sealed record BanEnd(Guid BanId, BanEndReason Reason, DateTimeOffset EndedAt);
