using System.Net;

namespace PortVeil.TestSupport;

/// <summary>The only addresses a test may configure or send to (RFC 5737, RFC 3849) and loopback.</summary>
public static class DocumentationRanges
{
    private static readonly (IPAddress Net, int Prefix)[] Allowed =
    [
        (IPAddress.Parse("198.51.100.0"), 24),
        (IPAddress.Parse("203.0.113.0"), 24),
        (IPAddress.Parse("192.0.2.0"), 24),
        (IPAddress.Parse("2001:db8::"), 32),
        (IPAddress.Parse("127.0.0.0"), 8),
        (IPAddress.IPv6Loopback, 128),
    ];

    public static bool IsAllowed(IPAddress address)
    {
        foreach (var (net, prefix) in Allowed)
        {
            if (new IPNetwork(net, prefix).Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Throws unless the address (or the address part of a CIDR) is in a documentation range.</summary>
    public static void EnsureAllowed(string addressOrCidr)
    {
        var text = addressOrCidr.Split('/')[0];
        if (!IPAddress.TryParse(text, out var ip) || !IsAllowed(ip))
        {
            throw new ArgumentException($"{addressOrCidr} is outside the documentation ranges; tests never use it.", nameof(addressOrCidr));
        }
    }
}
