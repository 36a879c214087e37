using PortVeil.Core;
using PortVeil.Sensors.IO;
using PortVeil.Sensors.KernelLog;
using PortVeil.Sensors.Pcap;

namespace PortVeil.Sensors;

/// <summary>Opens any offline input PortVeil reads, deciding by content, not by file name.</summary>
public static class CaptureFile
{
    /// <summary>
    /// Sniffs the first bytes of <paramref name="path"/> and returns a pcap, pcapng or kernel-log reader. Content
    /// that is none of these gives a source with no packets, <see cref="IOfflinePacketSource.Failed"/> set and one
    /// error that says what the file starts with. Only I/O failures (missing file, no permission) throw.
    /// </summary>
    public static IOfflinePacketSource Open(string path, KernelLogOptions? logOptions = null, ParseErrorLog? errors = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = InputFile.OpenRead(path);
        try
        {
            Span<byte> head = stackalloc byte[MagicSniffer.SniffLength];
            var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..n];
            stream.Position = 0;
            var length = stream.Length;
            switch (MagicSniffer.Sniff(head))
            {
                case CaptureFormat.Pcap:
                    return new PcapReader(stream, path, leaveOpen: false, errors);
                case CaptureFormat.PcapNg:
                    return new PcapNgReader(stream, path, leaveOpen: false, errors);
                case CaptureFormat.KernelLog:
                    var reference = logOptions?.Year is null
                        ? TimeZoneInfo.ConvertTimeFromUtc(File.GetLastWriteTimeUtc(path), logOptions?.TimeZone ?? TimeZoneInfo.Local)
                        : (DateTime?)null;
                    return new KernelLogReader(stream, path, leaveOpen: false, logOptions, reference, errors);
                default:
                    stream.Dispose();
                    return new UnreadableSource(path, length, Describe(head), errors);
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>What a file holds, judged from its first bytes (<see cref="CaptureFormat.Unknown"/> when unrecognised or empty).</summary>
    public static CaptureFormat Sniff(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        Span<byte> head = stackalloc byte[MagicSniffer.SniffLength];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return MagicSniffer.Sniff(head[..n]);
    }

    private static string Describe(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return "empty file: nothing to analyse (expected a pcap, pcapng or kernel log file)";
        }

        var shown = Convert.ToHexString(head[..Math.Min(8, head.Length)]).ToLowerInvariant();
        var hint = head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B ? " It looks gzip-compressed: decompress it first." : "";
        return $"not a pcap (a1b2c3d4 / a1b23c4d), pcapng (0a0d0d0a) or kernel log text file: it starts with bytes {shown}.{hint}";
    }
}
