namespace PortVeil.Core;

/// <summary>How a source is grouped: one IPv4 address, one IPv6 address, or an IPv6 /64 (one customer's LAN).</summary>
public enum SourceKeyKind : byte
{
    IPv4 = 0,
    IPv6 = 1,
    IPv6Prefix64 = 2,
}

/// <summary>
/// The key of per-source state. IPv6 sources are tracked both as single addresses and as their /64, because a
/// scanner owning a /64 can use a fresh address per probe.
/// </summary>
public readonly struct SourceKey : IEquatable<SourceKey>
{
    public NetAddress Address { get; }

    public SourceKeyKind Kind { get; }

    private SourceKey(NetAddress address, SourceKeyKind kind)
    {
        Address = address;
        Kind = kind;
    }

    /// <summary>The single-address key (IPv4 or IPv6) of <paramref name="address"/>.</summary>
    public static SourceKey ForAddress(NetAddress address) =>
        new(address, address.IsIPv4 ? SourceKeyKind.IPv4 : SourceKeyKind.IPv6);

    /// <summary>The /64 key of an IPv6 address.</summary>
    public static SourceKey ForPrefix64(NetAddress address) =>
        new(address.Mask(64), SourceKeyKind.IPv6Prefix64);

    public bool IsPrefix => Kind == SourceKeyKind.IPv6Prefix64;

    /// <summary>A well-mixed 64-bit hash with a per-table secret, so attackers cannot aim at one bucket.</summary>
    public ulong Hash(ulong secret)
    {
        // splitmix64-style finaliser over both halves and the kind.
        var x = Address.High ^ secret ^ ((ulong)Kind << 56);
        x = Mix(x) ^ Address.Low;
        return Mix(x + 0x9E37_79B9_7F4A_7C15UL);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    public bool Equals(SourceKey other) => Address == other.Address && Kind == other.Kind;

    public override bool Equals(object? obj) => obj is SourceKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Address, Kind);

    public static bool operator ==(SourceKey left, SourceKey right) => left.Equals(right);

    public static bool operator !=(SourceKey left, SourceKey right) => !left.Equals(right);

    public override string ToString() => Kind == SourceKeyKind.IPv6Prefix64 ? $"{Address}/64" : Address.ToString();
}
