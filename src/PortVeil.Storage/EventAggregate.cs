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

    /// <summary>The host whose sensor counted the packets (fleet hosts share one table); null or empty when unknown.</summary>
    public string? OriginHost { get; init; }

    /// <summary>
    /// Up to <see cref="EventMinuteAggregator.PortSampleSize"/> destination ports, first seen first, comma separated
    /// ("22,23,3389"), null when none: enough for evidence to name them. Adding two parts of one bucket
    /// appends the second sample while the text is under 48 characters (~8 ports; readers drop repeats), so it stays bounded.
    /// </summary>
    public string? Ports { get; init; }

    public required long FirstSeenMs { get; init; }

    public required long LastSeenMs { get; init; }

    /// <summary>The minute bucket that holds <paramref name="unixMs"/>.</summary>
    public static long BucketOf(long unixMs) => unixMs - (((unixMs % 60_000) + 60_000) % 60_000);
}
