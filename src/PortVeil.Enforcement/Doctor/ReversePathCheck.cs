using System.Globalization;

namespace PortVeil.Enforcement.Doctor;

/// <summary>
/// `portveil doctor`'s view of reverse-path filtering: the kernel's own rp_filter settings and how many interfaces
/// carry a default route (read from /proc only). Two or more means replies may leave by another interface than the
/// request came in on, which a strict reverse-path check (kernel.reverse_path_filter = "strict") would drop.
/// </summary>
public static class ReversePathCheck
{
    public const string Id = "reverse_path";

    private const string Title = "Reverse-path filter (spoofed sources)";

    public static CapabilityCheck Inspect(string procRoot = "/proc")
    {
        var all = ReadSysctl(procRoot, "all");
        var dflt = ReadSysctl(procRoot, "default");
        var interfaces = DefaultRouteInterfaces(procRoot);
        var kernel = $"The kernel's own IPv4 rp_filter is all={Name(all)}, default={Name(dflt)} (IPv6 has none); PortVeil checks both families in its own table (kernel.reverse_path_filter, default \"strict\").";
        if (interfaces.Count > 1)
        {
            return new(Id, Title, CheckStatus.Warning,
                $"{kernel} Default routes leave by {interfaces.Count} interfaces ({string.Join(", ", interfaces)}): replies may leave by another interface than requests came in on (asymmetric routing).",
                "Set kernel.reverse_path_filter = \"loose\" (or \"off\") unless every interface's traffic is routed back through it (policy routing by fwmark is honoured).");
        }

        return new(Id, Title, CheckStatus.Info,
            $"{kernel} Default route via {(interfaces.Count == 0 ? "no interface" : interfaces[0])}: a strict check is safe unless you add policy routing or a VPN that routes replies elsewhere (then use \"loose\").");
    }

    private static int? ReadSysctl(string procRoot, string scope)
    {
        var path = Path.Combine(procRoot, "sys", "net", "ipv4", "conf", scope, "rp_filter");
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Name(int? value) => value switch
    {
        0 => "0 (off)",
        1 => "1 (strict)",
        2 => "2 (loose)",
        null => "unknown",
        _ => value.Value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Interfaces with a default route, IPv4 (/proc/net/route) and IPv6 (/proc/net/ipv6_route), in order of first appearance.</summary>
    internal static List<string> DefaultRouteInterfaces(string procRoot)
    {
        var names = new List<string>();
        foreach (var line in ReadLines(Path.Combine(procRoot, "net", "route")).Skip(1))
        {
            // Iface Destination Gateway Flags RefCnt Use Metric Mask …: a default route has destination and mask 0.
            var f = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 8 && f[1] == "00000000" && f[7] == "00000000" && !names.Contains(f[0]))
            {
                names.Add(f[0]);
            }
        }

        foreach (var line in ReadLines(Path.Combine(procRoot, "net", "ipv6_route")))
        {
            // dest(32 hex) plen src splen nexthop metric refcnt use flags device; skip unreachable (lo) entries.
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 10 && f[0] == new string('0', 32) && f[1] == "00" && f[9] != "lo" && !names.Contains(f[9]))
            {
                names.Add(f[9]);
            }
        }

        return names;
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
