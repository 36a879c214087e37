using PortVeil.TestSupport;

namespace PortVeil.Enforcement.Tests.Support;

/// <summary>
/// Links two test namespaces with a veth pair whose ends get exactly the given addresses: IPv6 link-local
/// generation is off and DAD is skipped, so the namespace holds no address the test did not configure.
/// </summary>
internal static class VethPair
{
    public static void Link(NetworkNamespace a, string aIf, string[] aCidrs, NetworkNamespace b, string bIf, string[] bCidrs)
    {
        ProcessRunner.Run("ip", "link", "add", aIf, "netns", a.Name, "type", "veth", "peer", "name", bIf, "netns", b.Name)
            .EnsureSuccess("veth add");
        Configure(a, aIf, aCidrs);
        Configure(b, bIf, bCidrs);
    }

    private static void Configure(NetworkNamespace ns, string ifName, string[] cidrs)
    {
        ns.Exec("ip", "link", "set", ifName, "addrgenmode", "none").EnsureSuccess("addrgenmode none");
        foreach (var cidr in cidrs)
        {
            DocumentationRanges.EnsureAllowed(cidr);
            var args = cidr.Contains(':', StringComparison.Ordinal)
                ? new[] { "-6", "addr", "add", cidr, "dev", ifName, "nodad" }
                : ["addr", "add", cidr, "dev", ifName];
            ns.Exec("ip", args, TestTimeouts.Command).EnsureSuccess($"addr add {cidr}");
        }

        ns.Exec("ip", "link", "set", ifName, "up").EnsureSuccess("link up");
    }
}
