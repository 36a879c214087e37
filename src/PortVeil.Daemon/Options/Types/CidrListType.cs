using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>
/// IPv4 and IPv6 networks, as fail2ban's `ignoreip` and CrowdSec's whitelists take them: "192.0.2.0/24",
/// "2001:db8::/32", or a bare address (a /32 or /128). A network with host bits set ("192.0.2.7/24") is refused
/// with the network it probably meant, because silently widening or narrowing an allowlist is a security bug.
/// </summary>
internal sealed class CidrListType(int maxNetworks) : ConfigType<IReadOnlyList<IPNetwork>>
{
    public int MaxNetworks { get; } = maxNetworks;

    public override string Describe => $"list of networks such as [\"192.0.2.0/24\", \"2001:db8::/32\", \"198.51.100.7\"] (at most {MaxNetworks})";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out IReadOnlyList<IPNetwork>? result, out string error)
    {
        result = null;
        var items = new List<string>();
        if (!ListItems.TryCollect(value, items, out error))
        {
            error = $"{error}; expected a {Describe}";
            return false;
        }

        if (items.Count > MaxNetworks)
        {
            error = $"{items.Count} networks is more than the {MaxNetworks} allowed";
            return false;
        }

        var networks = new List<IPNetwork>(items.Count);
        foreach (var item in items)
        {
            if (!TryParseNetwork(item, out var network, out error))
            {
                return false;
            }

            if (!networks.Contains(network))
            {
                networks.Add(network);
            }
        }

        result = networks;
        return true;
    }

    public static bool TryParseNetwork(string text, out IPNetwork network, out string error)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash >= 0 ? text[..slash].Trim() : text.Trim();
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%', StringComparison.Ordinal)
            || (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            error = $"\"{text}\" is not an IPv4 or IPv6 address or network (such as 192.0.2.0/24 or 2001:db8::/32)";
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            error = $"\"{text}\": the prefix length must be 0..{bits}";
            return false;
        }

        var masked = Mask(address, prefix);
        if (!masked.Equals(address))
        {
            error = $"\"{text}\" has host bits set; did you mean {masked}/{prefix}?";
            return false;
        }

        network = new IPNetwork(address, prefix);
        error = "";
        return true;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    public override string Format(IReadOnlyList<IPNetwork> value) => "[" + string.Join(", ", value.Select(n => Quote(n.ToString()))) + "]";

    public override string Display(IReadOnlyList<IPNetwork> value) => string.Join(", ", value.Select(n => n.ToString()));

    public override JsonNode? Json(IReadOnlyList<IPNetwork> value) => new JsonArray([.. value.Select(n => (JsonNode?)JsonValue.Create(n.ToString()))]);
}
