namespace PortVeil.Sensors.IO;

/// <summary>How every offline reader opens its file.</summary>
internal static class InputFile
{
    /// <summary>
    /// Read-only, shared with a writer still appending (a live log, a running tcpdump), sequential. bufferSize 0: the
    /// readers do their own 1 MiB reads, so a FileStream buffer would only add a copy.
    /// </summary>
    public static FileStream OpenRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
    }
}
