using System.Buffers.Binary;

namespace PortVeil.Sensors.Tests.Support;

/// <summary>Writes a classic pcap file in either byte order, for tests that need input the corpus lacks.</summary>
internal sealed class PcapFileBuilder
{
    private readonly MemoryStream _stream = new();
    private readonly bool _bigEndian;
    private readonly bool _nanoseconds;

    public PcapFileBuilder(uint linkType, bool bigEndian = false, bool nanoseconds = false, uint snapLength = 262144)
    {
        _bigEndian = bigEndian;
        _nanoseconds = nanoseconds;
        Write32(nanoseconds ? 0xA1B23C4Du : 0xA1B2C3D4u);
        Write16(2);
        Write16(4);
        Write32(0);
        Write32(0);
        Write32(snapLength);
        Write32(linkType);
    }

    public PcapFileBuilder Add(long timestampNs, ReadOnlySpan<byte> frame, int? includedLength = null)
    {
        Write32((uint)(timestampNs / 1_000_000_000));
        var fraction = timestampNs % 1_000_000_000;
        Write32((uint)(_nanoseconds ? fraction : fraction / 1000));
        Write32((uint)(includedLength ?? frame.Length));
        Write32((uint)frame.Length);
        _stream.Write(frame);
        return this;
    }

    public byte[] ToArray() => _stream.ToArray();

    private void Write32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        }

        _stream.Write(b);
    }

    private void Write16(ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, v);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        }

        _stream.Write(b);
    }
}
