namespace PortVeil.Storage;

/// <summary>
/// An allowlist entry an operator added (`portveil allow add`, the API): never banned, kept across restarts.
/// Entries from the configuration file and from discovery are not stored; they are re-read at every start.
/// </summary>
public sealed record AllowRecord
{
    /// <summary>The address or block (a /32 or /128 for one address); host bits cleared.</summary>
    public required BanTarget Block { get; init; }

    /// <summary>Why the operator allowed it, as they wrote it; null when they gave no comment.</summary>
    public string? Comment { get; init; }

    public required DateTimeOffset AddedAt { get; init; }

    /// <summary>Host name of the PortVeil where the entry was made.</summary>
    public required string OriginHost { get; init; }
}
