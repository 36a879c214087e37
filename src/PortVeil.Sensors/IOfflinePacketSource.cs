using PortVeil.Core;

namespace PortVeil.Sensors;

/// <summary>A finite packet source read from a file or stream (pcap, pcapng, kernel log), with its counters.</summary>
/// <remarks>
/// Counters are plain fields read by the consumer's thread (the one calling TryRead); they are not synchronised.
/// A fatal error (wrong magic, unknown link type, framing lost) ends the stream early: TryRead returns false,
/// <see cref="Failed"/> is true and the reason is in <see cref="IPacketSource.Errors"/>.
/// </remarks>
public interface IOfflinePacketSource : IPacketSource
{
    /// <summary>The file name (as given) or stream name used in every <see cref="ParseError"/>.</summary>
    string Name { get; }

    CaptureFormat Format { get; }

    /// <summary>Records seen so far: pcap records, pcapng packet blocks, or log lines.</summary>
    long Records { get; }

    /// <summary>Packet events returned so far.</summary>
    long Packets { get; }

    /// <summary>Records skipped without error: non-IP frames (ARP, LLDP…), log lines that are not packet lines.</summary>
    long Skipped { get; }

    /// <summary>Bytes consumed so far, for progress.</summary>
    long BytesRead { get; }

    /// <summary>Total bytes of the input, -1 when unknown (a pipe).</summary>
    long TotalBytes { get; }

    /// <summary>True when a fatal error ended the input before its end.</summary>
    bool Failed { get; }
}
