using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>What a ban covers: one address (/32 or /128) or a prefix (/24 for IPv4 subnets, /64 for IPv6).</summary>
public readonly record struct BanTarget
{
    public BanTarget(NetAddress address, int prefixLength)
    {
        var max = address.IsIPv4 ? 32 : 128;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, max);
        Address = address.Mask(prefixLength);
        PrefixLength = prefixLength;
    }

    /// <summary>The network address (host bits cleared).</summary>
    public NetAddress Address { get; }

    /// <summary>Prefix length in the address family's own bits (IPv4 counts 32, IPv6 128).</summary>
    public int PrefixLength { get; }

    public bool IsSingleAddress => PrefixLength == (Address.IsIPv4 ? 32 : 128);

    public static BanTarget ForAddress(NetAddress address) => new(address, address.IsIPv4 ? 32 : 128);

    public static BanTarget ForSource(SourceKey source) =>
        new(source.Address, source.PrefixLength);

    public override string ToString() => IsSingleAddress ? Address.ToString() : $"{Address}/{PrefixLength}";
}
