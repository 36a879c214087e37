namespace PortVeil.Core;

/// <summary>A finite packet source that can say how far it has read, for progress bars on long files.</summary>
public interface IReportsProgress
{
    /// <summary>Bytes consumed so far.</summary>
    long Position { get; }

    /// <summary>Total bytes, or -1 when unknown (a pipe).</summary>
    long Length { get; }
}
