using System.Globalization;
using PortVeil.Core;

namespace PortVeil.Enforcement.Allowlist;

/// <summary>
/// An address block: a network address and a prefix length counted in the family's own bits (0–32 for IPv4,
/// 0–128 for IPv6). A single address is a /32 or /128. The network is always masked, so equal blocks compare equal.
/// </summary>
public readonly struct NetPrefix : IEquatable<NetPrefix>
{
    public NetPrefix(NetAddress address, int length)
    {
        var max = address.IsIPv4 ? 32 : 128;
        Length = (byte)Math.Clamp(length, 0, max);
        Network = address.Mask(Length);
    }

    public NetAddress Network { get; }

    /// <summary>Prefix length in IPv4 bits for IPv4 blocks, IPv6 bits otherwise.</summary>
    public int Length { get; }

    public bool IsIPv4 => Network.IsIPv4;

    public bool IsSingleAddress => Length == (IsIPv4 ? 32 : 128);

    /// <summary>The /32 or /128 of one address.</summary>
    public static NetPrefix ForAddress(NetAddress address) => new(address, address.IsIPv4 ? 32 : 128);

    /// <summary>The block subnet bans use: the /24 of an IPv4 address, the /64 of an IPv6 address.</summary>
    public static NetPrefix SubnetOf(NetAddress address) => new(address, address.IsIPv4 ? 24 : 64);

    /// <summary>First address of the block as a 128-bit number (IPv4 in its mapped form ::ffff:a.b.c.d).</summary>
    public UInt128 First => ToNumber(Network);

    /// <summary>Last address of the block as a 128-bit number.</summary>
    public UInt128 Last
    {
        get
        {
            var hostBits = (IsIPv4 ? 32 : 128) - Length;
            var hostMask = hostBits == 0 ? UInt128.Zero : hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
            return First | hostMask;
        }
    }

    public bool Contains(NetAddress address)
    {
        var n = ToNumber(address);
        return n >= First && n <= Last;
    }

    /// <summary>True when the two blocks share at least one address.</summary>
    public bool Overlaps(NetPrefix other) => First <= other.Last && other.First <= Last;

    public static UInt128 ToNumber(NetAddress address) => new(address.High, address.Low);

    /// <summary>Parses "198.51.100.7", "198.51.100.0/24", "2001:db8::/32"; the host bits are cleared.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out NetPrefix prefix)
    {
        prefix = default;
        text = text.Trim();
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!NetAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        var max = address.IsIPv4 ? 32 : 128;
        var length = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > max))
        {
            return false;
        }

        prefix = new NetPrefix(address, length);
        return true;
    }

    public static NetPrefix Parse(string text) =>
        TryParse(text, out var p) ? p : throw new FormatException($"'{text}' is not an address or CIDR block.");

    public bool Equals(NetPrefix other) => Network == other.Network && Length == other.Length;

    public override bool Equals(object? obj) => obj is NetPrefix other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Network, Length);

    public static bool operator ==(NetPrefix left, NetPrefix right) => left.Equals(right);

    public static bool operator !=(NetPrefix left, NetPrefix right) => !left.Equals(right);

    public override string ToString() =>
        IsSingleAddress ? Network.ToString() : string.Create(CultureInfo.InvariantCulture, $"{Network}/{Length}");
}
