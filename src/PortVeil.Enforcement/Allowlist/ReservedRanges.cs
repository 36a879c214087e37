using PortVeil.Core;

namespace PortVeil.Enforcement.Allowlist;

/// <summary>
/// Blocks that are never bannable, whatever the configuration: a packet that claims one of these sources is
/// spoofed or local, and banning it could cut the host off from itself (loopback) or from its LAN services
/// (multicast: mDNS, DHCPv6, router advertisements).
/// </summary>
public static class ReservedRanges
{
    public static IReadOnlyList<AllowlistEntry> Entries { get; } =
    [
        Entry("127.0.0.0/8", "loopback (127.0.0.0/8) is never banned"),
        Entry("0.0.0.0/8", "\"this network\" (0.0.0.0/8) is never banned"),
        Entry("224.0.0.0/4", "IPv4 multicast (224.0.0.0/4) is never banned"),
        Entry("255.255.255.255/32", "the IPv4 broadcast address is never banned"),
        Entry("::/128", "the unspecified IPv6 address (::) is never banned"),
        Entry("::1/128", "IPv6 loopback (::1) is never banned"),
        Entry("ff00::/8", "IPv6 multicast (ff00::/8) is never banned"),
    ];

    private static AllowlistEntry Entry(string cidr, string reason) =>
        new(NetPrefix.Parse(cidr), AllowlistSource.Reserved, reason);

    /// <summary>True for addresses in <see cref="Entries"/>, without a table lookup.</summary>
    public static bool IsReserved(NetAddress address)
    {
        if (address.IsIPv4)
        {
            var v4 = address.V4;
            var top = v4 >> 24;
            return top == 127 || top == 0 || (top & 0xF0) == 224 || v4 == uint.MaxValue;
        }

        return (address.High == 0 && address.Low <= 1) || (address.High >> 56) == 0xFF;
    }
}
