using System.Buffers.Binary;
using PortVeil.Core;

namespace PortVeil.Sensors.Decoding;

/// <summary>
/// Walks the TCP option bytes (everything after the 20-byte fixed header) into a <see cref="TcpOptionSummary"/>.
/// The one place that knows the option layout: the packet decoder and the kernel-log parser (its OPT (...) hex)
/// both call it, so a SYN summarises identically whichever sensor saw it.
/// </summary>
/// <remarks>
/// Layout (RFC 9293 3.1): kind 0 = end of list, kind 1 = no-op (both one byte); every other option is
/// kind, length (including these two bytes), data. Lengths below 2, or a fixed-size option with the wrong length
/// (MSS 4, window scale 3, SACK-permitted 2, timestamps 10), mark the summary malformed.
/// </remarks>
public static class TcpOptionWalker
{
    /// <summary>Summarises <paramref name="options"/>.</summary>
    /// <param name="options">The option bytes of the TCP header.</param>
    /// <param name="truncated">
    /// True when the capture cut the header short (snaplen): an option running past the end is then the capture's
    /// doing, not the sender's, and does not mark the summary malformed.
    /// </param>
    public static TcpOptionSummary Walk(ReadOnlySpan<byte> options, bool truncated = false)
    {
        var summary = TcpOptionSummary.Empty;
        var i = 0;
        while ((uint)i < (uint)options.Length)
        {
            var kind = options[i];
            if (kind == (byte)TcpOptionKind.EndOfList)
            {
                summary.Append(TcpOptionKind.EndOfList);
                break;
            }

            if (kind == (byte)TcpOptionKind.NoOp)
            {
                summary.Append(TcpOptionKind.NoOp);
                i++;
                continue;
            }

            if (i + 1 >= options.Length)
            {
                summary.Malformed |= !truncated;
                break;
            }

            int length = options[i + 1];
            if (length < 2)
            {
                summary.Malformed = true;
                break;
            }

            if (i + length > options.Length)
            {
                summary.Malformed |= !truncated;
                break;
            }

            summary.Append((TcpOptionKind)kind);
            var data = options.Slice(i + 2, length - 2);
            switch ((TcpOptionKind)kind)
            {
                case TcpOptionKind.Mss:
                    if (data.Length == 2)
                    {
                        summary.Mss = BinaryPrimitives.ReadUInt16BigEndian(data);
                    }
                    else
                    {
                        summary.Malformed = true;
                    }

                    break;
                case TcpOptionKind.WindowScale:
                    if (data.Length == 1)
                    {
                        summary.WindowScale = data[0];
                    }
                    else
                    {
                        summary.Malformed = true;
                    }

                    break;
                case TcpOptionKind.SackPermitted:
                    summary.SackPermitted = true;
                    summary.Malformed |= data.Length != 0;
                    break;
                case TcpOptionKind.Timestamps:
                    summary.Timestamps = true;
                    summary.Malformed |= data.Length != 8;
                    break;
                default:
                    break;
            }

            i += length;
        }

        return summary;
    }
}
