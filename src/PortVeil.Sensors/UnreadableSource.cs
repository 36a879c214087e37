using PortVeil.Core;

namespace PortVeil.Sensors;

/// <summary>An input that could not be recognised: no packets, one error, <see cref="Failed"/> set.</summary>
internal sealed class UnreadableSource : IOfflinePacketSource
{
    public UnreadableSource(string name, long totalBytes, string message, ParseErrorLog? errors)
    {
        Name = name;
        TotalBytes = totalBytes;
        Errors = errors ?? new ParseErrorLog();
        Errors.Add(new ParseError(name, 0, 0, message));
    }

    public string Name { get; }

    public CaptureFormat Format => CaptureFormat.Unknown;

    public ParseErrorLog Errors { get; }

    public long Records => 0;

    public long Packets => 0;

    public long Skipped => 0;

    public long BytesRead => 0;

    public long TotalBytes { get; }

    public bool Failed => true;

    public bool TryRead(out PacketEvent packet)
    {
        packet = default;
        return false;
    }

    public void Dispose()
    {
    }
}
