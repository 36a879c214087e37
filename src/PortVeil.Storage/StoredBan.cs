namespace PortVeil.Storage;

/// <summary>A ban read back from storage, with its end when it has one.</summary>
public sealed record StoredBan
{
    public required BanRecord Ban { get; init; }

    /// <summary>When the ban ended; null while it has not been ended explicitly (see <see cref="IsActiveAt"/>).</summary>
    public DateTimeOffset? EndedAt { get; init; }

    public BanEndReason? EndReason { get; init; }

    /// <summary>Active = not ended and not yet expired at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => EndedAt is null && Ban.ExpiresAt > now;
}
