using PortVeil.Sensors.Decoding;

namespace PortVeil.Sensors.Pcap;

/// <summary>One pcapng interface description: its link type, snaplen and how to turn its timestamps into nanoseconds.</summary>
internal readonly struct PcapNgInterface
{
    private readonly long _multiplier;
    private readonly long _divisor;
    private readonly int _binaryShift;
    private readonly long _offsetNs;

    private PcapNgInterface(LinkType linkType, int snapLength, long multiplier, long divisor, int binaryShift, long offsetNs)
    {
        LinkType = linkType;
        SnapLength = snapLength;
        _multiplier = multiplier;
        _divisor = divisor;
        _binaryShift = binaryShift;
        _offsetNs = offsetNs;
    }

    public LinkType LinkType { get; }

    public int SnapLength { get; }

    public bool Supported => LinkLayer.IsSupported(LinkType);

    /// <summary>
    /// Builds the interface from if_tsresol (high bit 0: units of 10^-n s; high bit 1: units of 2^-n s; default
    /// 10^-6) and if_tsoffset (seconds added to every timestamp). False for a resolution finer than 10^-19 or
    /// 2^-63, which no 64-bit timestamp can use.
    /// </summary>
    public static bool TryCreate(LinkType linkType, int snapLength, byte tsResolution, long tsOffsetSeconds, out PcapNgInterface result)
    {
        var exponent = tsResolution & 0x7F;
        var offsetNs = tsOffsetSeconds * 1_000_000_000L;
        if ((tsResolution & 0x80) != 0)
        {
            result = new PcapNgInterface(linkType, snapLength, 0, 0, exponent, offsetNs);
            return exponent <= 63;
        }

        if (exponent > 19)
        {
            result = default;
            return false;
        }

        long multiplier = 1, divisor = 1;
        for (var i = exponent; i < 9; i++)
        {
            multiplier *= 10;
        }

        for (var i = 9; i < exponent; i++)
        {
            divisor *= 10;
        }

        result = new PcapNgInterface(linkType, snapLength, multiplier, divisor, -1, offsetNs);
        return true;
    }

    public long ToNanoseconds(ulong timestamp)
    {
        if (_binaryShift >= 0)
        {
            return (long)(ulong)(((UInt128)timestamp * 1_000_000_000UL) >> _binaryShift) + _offsetNs;
        }

        return _divisor == 1
            ? unchecked((long)timestamp * _multiplier) + _offsetNs
            : (long)(timestamp / (ulong)_divisor) + _offsetNs;
    }
}
