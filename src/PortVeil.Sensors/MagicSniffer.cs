using System.Buffers.Binary;

namespace PortVeil.Sensors;

/// <summary>Tells pcap, pcapng and kernel-log text apart from a file's first bytes.</summary>
internal static class MagicSniffer
{
    /// <summary>Bytes worth reading before deciding (a text guess looks at up to this many).</summary>
    public const int SniffLength = 256;

    public static CaptureFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4)
        {
            switch (BinaryPrimitives.ReadUInt32LittleEndian(head))
            {
                case 0xA1B2C3D4:
                case 0xA1B23C4D:
                case 0xD4C3B2A1:
                case 0x4D3CB2A1:
                    return CaptureFormat.Pcap;
                case 0x0A0D0D0A:
                    return CaptureFormat.PcapNg;
                default:
                    break;
            }
        }

        return LooksLikeText(head) ? CaptureFormat.KernelLog : CaptureFormat.Unknown;
    }

    // Kernel log lines are ASCII; allow UTF-8 high bytes (hostnames, prefixes) but no control bytes besides tab/CR/LF.
    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4)
        {
            return false;
        }

        var sample = head[..Math.Min(head.Length, SniffLength)];
        foreach (var b in sample)
        {
            if (b < 0x20 && b is not (0x09 or 0x0A or 0x0D))
            {
                return false;
            }

            if (b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }
}
