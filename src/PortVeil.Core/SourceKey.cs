namespace PortVeil.Core;

/// <summary>
/// How a source is grouped: one IPv4 address, one IPv6 address, or an IPv6 /64 (one customer's LAN). IPv4 /24s
/// exist only as ban keys (subnet bans in the kernel); the engine never tracks per-/24 state under this key.
/// </summary>
public enum SourceKeyKind : byte
{
    IPv4 = 0,
    IPv6 = 1,
    IPv6Prefix64 = 2,
    IPv4Prefix24 = 3,
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

    /// <summary>The /24 key of an IPv4 address (a subnet ban; never an engine key).</summary>
    public static SourceKey ForPrefix24(NetAddress address) =>
        new(address.Mask(24), SourceKeyKind.IPv4Prefix24);

    /// <summary>
    /// The key the kernel ban sets hold for <paramref name="network"/>/<paramref name="length"/>: a single address,
    /// an IPv4 /24 or an IPv6 /64; false for any other length (no kernel set holds it).
    /// </summary>
    public static bool TryForNetwork(NetAddress network, int length, out SourceKey key)
    {
        if (length == (network.IsIPv4 ? 32 : 128))
        {
            key = ForAddress(network);
            return true;
        }

        if (network.IsIPv4 ? length == 24 : length == 64)
        {
            key = network.IsIPv4 ? ForPrefix24(network) : ForPrefix64(network);
            return true;
        }

        key = default;
        return false;
    }

    /// <summary>True for an IPv6 /64 key (the engine's per-/64 state). IPv4 /24 ban keys are not included: see <see cref="IsNetwork"/>.</summary>
    public bool IsPrefix => Kind == SourceKeyKind.IPv6Prefix64;

    /// <summary>True for a key standing for a whole network (IPv6 /64 or IPv4 /24).</summary>
    public bool IsNetwork => Kind is SourceKeyKind.IPv6Prefix64 or SourceKeyKind.IPv4Prefix24;

    /// <summary>Prefix length in the family's own bits: 32, 128, 64 (IPv6 /64) or 24 (IPv4 /24).</summary>
    public int PrefixLength => Kind switch
    {
        SourceKeyKind.IPv4 => 32,
        SourceKeyKind.IPv6 => 128,
        SourceKeyKind.IPv6Prefix64 => 64,
        _ => 24,
    };

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

    public override string ToString() => IsNetwork ? $"{Address}/{PrefixLength}" : Address.ToString();
}
