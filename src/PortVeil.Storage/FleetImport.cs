namespace PortVeil.Storage;

/// <summary>One host's decision about a ban another host of the fleet made.</summary>
public sealed record FleetImport
{
    public required Guid BanId { get; init; }

    /// <summary>The importing host (not the ban's origin).</summary>
    public required string Host { get; init; }

    public required DateTimeOffset DecidedAt { get; init; }

    public required FleetImportOutcome Outcome { get; init; }

    /// <summary>Why, in words (the allowlist entry that refused it, the consensus count).</summary>
    public string? Detail { get; init; }
}
