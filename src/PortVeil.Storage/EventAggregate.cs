using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>
/// Packets from one source in one minute with one protocol and one kernel tag, summed. Storage keeps these,
/// never single packets: a 10 000 packet/s flood from one source is one row per minute, not 600 000.
/// </summary>
public readonly record struct EventAggregate
{
    public required NetAddress Source { get; init; }

    /// <summary>Start of the minute bucket, Unix milliseconds, a multiple of 60 000.</summary>
    public required long BucketStartMs { get; init; }

    public required IpProtocol Protocol { get; init; }

    public required PacketTag Tag { get; init; }

    public required long Packets { get; init; }

    /// <summary>
    /// Distinct destination ports the producer counted in the bucket (an estimate when it used a sketch). Adding two
    /// parts of one bucket keeps the larger value: a lower bound, since the parts' port sets are not stored.
    /// </summary>
    public int DistinctPorts { get; init; }

    public required long FirstSeenMs { get; init; }

    public required long LastSeenMs { get; init; }

    /// <summary>The minute bucket that holds <paramref name="unixMs"/>.</summary>
    public static long BucketOf(long unixMs) => unixMs - (((unixMs % 60_000) + 60_000) % 60_000);
}
