using System.Text.RegularExpressions;

namespace PortVeil.TestSupport;

/// <summary>
/// fail2ban's tag expansion for failregex, as fail2ban/server/failregex.py and ipdns.py define it (0.10 and
/// later): &lt;HOST&gt; becomes an IPv4 (optionally ::ffff:-mapped), an IPv6 (optionally in brackets) or a DNS
/// name, in named groups ip4, ip6 and dns. Python's (?P&lt;name&gt;…) is written (?&lt;name&gt;…) for .NET.
/// </summary>
public static class Fail2banRegex
{
    public const string Ip4 = @"(?:\d{1,3}\.){3}\d{1,3}";
    public const string Ip6 = @"(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)";

    public static readonly string Addr = $@"\[?(?:(?:::f{{4,6}}:)?(?<ip4>{Ip4})|(?<ip6>{Ip6}))\]?";
    public static readonly string Host = $@"(?:{Addr}|(?<dns>[\w\-.^_]*\w))";
    public static readonly string Subnet = $@"\[?(?:(?:::f{{4,6}}:)?(?<ip4>{Ip4})|(?<ip6>{Ip6}))(?:/(?<cidr>\d+))?\]?";

    /// <summary>A failregex with &lt;HOST&gt;, &lt;ADDR&gt; and &lt;SUBNET&gt; expanded, compiled as fail2ban searches it.</summary>
    public static Regex Expand(string failregex)
    {
        ArgumentNullException.ThrowIfNull(failregex);
        var expanded = failregex
            .Replace("<HOST>", Host, StringComparison.Ordinal)
            .Replace("<ADDR>", Addr, StringComparison.Ordinal)
            .Replace("<SUBNET>", Subnet, StringComparison.Ordinal);
        return new Regex(expanded, RegexOptions.CultureInvariant);
    }

    /// <summary>The address fail2ban would ban for a matching line (its getHost: ip4, then ip6, then dns).</summary>
    public static string? HostOf(Match match)
    {
        ArgumentNullException.ThrowIfNull(match);
        foreach (var group in (ReadOnlySpan<string>)["ip4", "ip6", "dns"])
        {
            if (match.Groups[group].Success)
            {
                return match.Groups[group].Value;
            }
        }

        return null;
    }
}
