namespace PortVeil.Core;

/// <summary>A stream of packet events: a capture file, a kernel log, or the live NFLOG socket.</summary>
/// <remarks>
/// Implementations fill <paramref name="packet"/> in place and never throw on bad input: they return the
/// error through <see cref="Errors"/> and move on to the next record. Only I/O failures that end the stream
/// (file vanished, socket closed) may throw.
/// </remarks>
public interface IPacketSource : IDisposable
{
    /// <summary>Reads the next packet; false at the end of the stream.</summary>
    bool TryRead(out PacketEvent packet);

    /// <summary>Bad records seen so far (counted; the first few kept with their detail).</summary>
    ParseErrorLog Errors { get; }
}
