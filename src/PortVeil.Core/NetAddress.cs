using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace PortVeil.Core;

/// <summary>
/// An IPv4 or IPv6 address held in two 64-bit words, so events and per-source state carry addresses without
/// allocating. IPv4 is stored in IPv4-mapped form (::ffff:a.b.c.d), as the kernel does for dual-stack sockets.
/// </summary>
public readonly struct NetAddress : IEquatable<NetAddress>
{
    private const ulong MappedPrefixLow = 0x0000_FFFF_0000_0000UL;

    /// <summary>High 64 bits (network order, first bytes of the address).</summary>
    public ulong High { get; }

    /// <summary>Low 64 bits (network order, last bytes of the address).</summary>
    public ulong Low { get; }

    public NetAddress(ulong high, ulong low)
    {
        High = high;
        Low = low;
    }

    public static NetAddress None => default;

    public bool IsIPv4 => High == 0 && (Low & 0xFFFF_FFFF_0000_0000UL) == MappedPrefixLow;

    public IpFamily Family => IsIPv4 ? IpFamily.IPv4 : IpFamily.IPv6;

    /// <summary>The IPv4 address as a host-order integer (a.b.c.d → a&lt;&lt;24 | …); only meaningful when <see cref="IsIPv4"/>.</summary>
    public uint V4 => (uint)Low;

    public static NetAddress FromV4(uint hostOrder) => new(0, MappedPrefixLow | hostOrder);

    /// <summary>Reads 4 (IPv4) or 16 (IPv6) bytes in network order.</summary>
    public static NetAddress FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        4 => FromV4(BinaryPrimitives.ReadUInt32BigEndian(bytes)),
        16 => new NetAddress(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..])),
        _ => throw new ArgumentException("An address has 4 or 16 bytes.", nameof(bytes)),
    };

    public static NetAddress FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> buffer = stackalloc byte[16];
        address.TryWriteBytes(buffer, out var written);
        return FromBytes(buffer[..written]);
    }

    /// <summary>Writes 4 bytes for IPv4, 16 for IPv6; returns the count.</summary>
    public int WriteBytes(Span<byte> destination)
    {
        if (IsIPv4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, V4);
            return 4;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
        return 16;
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> buffer = stackalloc byte[16];
        var n = WriteBytes(buffer);
        return new IPAddress(buffer[..n]);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out NetAddress address)
    {
        if (IPAddress.TryParse(text, out var ip) && (ip.AddressFamily == AddressFamily.InterNetwork || ip.AddressFamily == AddressFamily.InterNetworkV6))
        {
            address = ip.IsIPv4MappedToIPv6 ? FromIPAddress(ip.MapToIPv4()) : FromIPAddress(ip);
            return true;
        }

        address = default;
        return false;
    }

    public static NetAddress Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"'{text}' is not an IPv4 or IPv6 address.");

    /// <summary>The address with all but the first <paramref name="prefixLength"/> bits cleared (IPv4 prefixes count IPv4 bits).</summary>
    public NetAddress Mask(int prefixLength)
    {
        if (IsIPv4)
        {
            var p = Math.Clamp(prefixLength, 0, 32);
            var mask = p == 0 ? 0u : uint.MaxValue << (32 - p);
            return FromV4(V4 & mask);
        }

        var q = Math.Clamp(prefixLength, 0, 128);
        var highMask = q >= 64 ? ulong.MaxValue : q == 0 ? 0UL : ulong.MaxValue << (64 - q);
        var lowMask = q <= 64 ? 0UL : q == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - q);
        return new NetAddress(High & highMask, Low & lowMask);
    }

    /// <summary>True for 127.0.0.0/8, 0.0.0.0, ::1 and :: — never flagged (psad's rule).</summary>
    public bool IsLoopbackOrUnspecified =>
        IsIPv4 ? (V4 >> 24) == 127 || V4 == 0 : High == 0 && (Low == 0 || Low == 1);

    public bool Equals(NetAddress other) => High == other.High && Low == other.Low;

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is NetAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(High, Low);

    public static bool operator ==(NetAddress left, NetAddress right) => left.Equals(right);

    public static bool operator !=(NetAddress left, NetAddress right) => !left.Equals(right);

    public override string ToString() => ToIPAddress().ToString();
}
