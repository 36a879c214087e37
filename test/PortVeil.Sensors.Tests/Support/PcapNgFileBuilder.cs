using System.Buffers.Binary;

namespace PortVeil.Sensors.Tests.Support;

/// <summary>Writes pcapng blocks in either byte order, for tests of what the corpus does not cover.</summary>
internal sealed class PcapNgFileBuilder
{
    private readonly MemoryStream _stream = new();
    private bool _bigEndian;

    public PcapNgFileBuilder Section(bool bigEndian = false)
    {
        _bigEndian = bigEndian;
        var body = new byte[16];
        W32(body, 0, 0x1A2B3C4D);
        W16(body, 4, 1);
        W16(body, 6, 0);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), -1);
        return Block(0x0A0D0D0A, body);
    }

    public PcapNgFileBuilder Interface(ushort linkType, uint snapLength = 262144, byte? tsResolution = null, long? tsOffset = null)
    {
        var options = new List<byte>();
        if (tsResolution is { } r)
        {
            options.AddRange(Option(9, [r]));
        }

        if (tsOffset is { } o)
        {
            var v = new byte[8];
            if (_bigEndian)
            {
                BinaryPrimitives.WriteInt64BigEndian(v, o);
            }
            else
            {
                BinaryPrimitives.WriteInt64LittleEndian(v, o);
            }

            options.AddRange(Option(14, v));
        }

        if (options.Count > 0)
        {
            options.AddRange(new byte[4]); // opt_endofopt
        }

        var body = new byte[8 + options.Count];
        W16(body, 0, linkType);
        W32(body, 4, snapLength);
        options.CopyTo(body, 8);
        return Block(1, body);
    }

    public PcapNgFileBuilder Enhanced(uint interfaceId, ulong timestamp, byte[] frame)
    {
        var body = new byte[20 + Pad(frame.Length)];
        W32(body, 0, interfaceId);
        W32(body, 4, (uint)(timestamp >> 32));
        W32(body, 8, (uint)timestamp);
        W32(body, 12, (uint)frame.Length);
        W32(body, 16, (uint)frame.Length);
        frame.CopyTo(body, 20);
        return Block(6, body);
    }

    public PcapNgFileBuilder Simple(byte[] frame)
    {
        var body = new byte[4 + Pad(frame.Length)];
        W32(body, 0, (uint)frame.Length);
        frame.CopyTo(body, 4);
        return Block(3, body);
    }

    public PcapNgFileBuilder Block(uint type, byte[] body, int? lengthOverride = null, int? trailerOverride = null)
    {
        var length = 12 + body.Length;
        var b = new byte[length];
        W32(b, 0, type);
        W32(b, 4, (uint)(lengthOverride ?? length));
        body.CopyTo(b, 8);
        W32(b, length - 4, (uint)(trailerOverride ?? length));
        _stream.Write(b);
        return this;
    }

    public PcapNgFileBuilder Raw(byte[] bytes)
    {
        _stream.Write(bytes);
        return this;
    }

    public byte[] ToArray() => _stream.ToArray();

    private static int Pad(int n) => (n + 3) & ~3;

    private byte[] Option(ushort code, byte[] value)
    {
        var b = new byte[4 + Pad(value.Length)];
        W16(b, 0, code);
        W16(b, 2, (ushort)value.Length);
        value.CopyTo(b, 4);
        return b;
    }

    private void W32(byte[] b, int o, uint v)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(o), v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o), v);
        }
    }

    private void W16(byte[] b, int o, ushort v)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(o), v);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(o), v);
        }
    }
}
