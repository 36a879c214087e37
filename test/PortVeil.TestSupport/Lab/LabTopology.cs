using System.Globalization;

namespace PortVeil.TestSupport.Lab;

/// <summary>
/// A small internet in network namespaces: a switch namespace holding bridge br0, and on it a server, scanners
/// and benign clients; optionally a Docker-like container behind the server. Everything is removed in
/// <see cref="Dispose"/>, also when building fails half-way.
/// </summary>
/// <remarks>
/// <code>
///   scanner i  198.51.100.(101+i)/24  2001:db8:10::1:(i+1)/64 ─┐
///   client i   192.0.2.(21+i)/24      2001:db8:10::2:(i+1)/64 ─┼─ br0 (namespace pv-sw-…)
///   server     203.0.113.10/24        2001:db8:10::10/64      ─┘
///     └─ ctr0 192.0.2.129/30 ── container eth0 192.0.2.130/30 (default route via the server)
/// </code>
/// <para>The bridge hosts share one L2 segment and reach the other documentation /24s with on-link routes
/// (as ../shared/corpus-tools/lab.sh does), so there is no router to configure and no default route anywhere:
/// nothing can leave the lab. The server forwards only to its container; a table `ip labdocker` on the server
/// DNATs tcp 8080 to 192.0.2.130:80 at priority dstnat (-100), like Docker's published ports.</para>
/// </remarks>
public sealed class LabTopology : IDisposable
{
    public const string ServerIPv4 = "203.0.113.10";
    public const string ServerIPv6 = "2001:db8:10::10";
    public const string ContainerIPv4 = "192.0.2.130";
    public const string ServerContainerSideIPv4 = "192.0.2.129";

    /// <summary>The server port published to the container (Docker's `-p 8080:80`).</summary>
    public const int PublishedPort = 8080;

    /// <summary>The container's own port behind <see cref="PublishedPort"/>.</summary>
    public const int ContainerPort = 80;

    // Docker's DNAT for a published port, in the server namespace only. Constant text: nothing spliced in.
    private const string DockerLikeNat = """
        table ip labdocker {
            chain prerouting {
                type nat hook prerouting priority dstnat; policy accept;
                iifname "eth0" tcp dport 8080 dnat to 192.0.2.130:80
            }
        }
        """;

    private readonly List<NetworkNamespace> _namespaces = [];
    private readonly List<LabHost> _scanners = [];
    private readonly List<LabHost> _clients = [];
    private readonly List<LabHost> _bystanders = [];
    private bool _disposed;

    private LabTopology()
    {
    }

    public static LabTopologyBuilder Builder() => new();

    /// <summary>The namespace that holds bridge br0.</summary>
    public NetworkNamespace Switch { get; private set; } = null!;

    public LabHost Server { get; private set; } = null!;

    /// <summary>The Docker-like container, or null when the lab was built without one.</summary>
    public LabHost? Container { get; private set; }

    public IReadOnlyList<LabHost> Scanners => _scanners;

    public IReadOnlyList<LabHost> Clients => _clients;

    /// <summary>Hosts added with <see cref="LabTopologyBuilder.WithBystanders"/>, in order.</summary>
    public IReadOnlyList<LabHost> Bystanders => _bystanders;

    /// <summary>Every namespace of the lab, switch first.</summary>
    public IReadOnlyList<NetworkNamespace> Namespaces => _namespaces;

    internal static LabTopology Create(LabTopologyBuilder builder)
    {
        NetworkNamespace.SweepStaleOnce();
        var lab = new LabTopology();
        try
        {
            lab.Populate(builder);
        }
        catch
        {
            lab.Dispose();
            throw;
        }

        return lab;
    }

    private void Populate(LabTopologyBuilder builder)
    {
        Switch = Add(NetworkNamespace.Create("sw"));
        Sysctl(Switch, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        Batch(Switch, "link add br0 type bridge", "link set br0 up");

        Server = AddBridgeHost(LabRole.Server, "srv", "v-srv", ServerIPv4, ServerIPv6);
        for (var i = 0; i < builder.ScannerCount; i++)
        {
            var n = i + 1;
            _scanners.Add(AddBridgeHost(LabRole.Scanner, "scan", Invariant($"v-s{n}"), Invariant($"198.51.100.{100 + n}"), Invariant($"2001:db8:10::1:{n:x}")));
        }

        for (var i = 0; i < builder.ClientCount; i++)
        {
            var n = i + 1;
            _clients.Add(AddBridgeHost(LabRole.Client, "cli", Invariant($"v-c{n}"), Invariant($"192.0.2.{20 + n}"), Invariant($"2001:db8:10::2:{n:x}")));
        }

        for (var i = 0; i < builder.ExtraHosts.Count; i++)
        {
            _bystanders.Add(AddBridgeHost(LabRole.Client, "by", Invariant($"v-b{i + 1}"), builder.ExtraHosts[i], Invariant($"2001:db8:10::3:{i + 1:x}")));
        }

        if (builder.HasContainer)
        {
            AddContainer();
        }
    }

    private LabHost AddBridgeHost(LabRole role, string prefix, string switchPort, string ipv4, string ipv6)
    {
        DocumentationRanges.EnsureAllowed(ipv4);
        DocumentationRanges.EnsureAllowed(ipv6);
        var ns = Add(NetworkNamespace.Create(prefix));
        ProcessRunner.Run("ip", "link", "add", switchPort, "netns", Switch.Name, "type", "veth", "peer", "name", "eth0", "netns", ns.Name)
            .EnsureSuccess($"veth {switchPort} for {ns.Name}");
        Batch(Switch, $"link set {switchPort} master br0", $"link set {switchPort} up");

        // No router solicitations, no SLAAC, no duplicate address detection: addresses are usable at once and
        // nothing but the test's own traffic crosses the bridge.
        Sysctl(ns, "net.ipv6.conf.all.accept_ra=0", "net.ipv6.conf.default.accept_ra=0",
            "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
            "net.ipv6.conf.default.router_solicitations=0");

        var own = ipv4[..ipv4.LastIndexOf('.')] + ".0/24";
        var commands = new List<string>
        {
            $"addr add {ipv4}/24 dev eth0",
            $"addr add {ipv6}/64 dev eth0 nodad",
            "link set eth0 up",
        };
        foreach (var net in (string[])["198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24"])
        {
            if (net != own)
            {
                commands.Add($"route add {net} dev eth0");
            }
        }

        Batch(ns, [.. commands]);
        return new LabHost(role, ns, ipv4, ipv6, MacOf(ns, "eth0"));
    }

    private void AddContainer()
    {
        var ns = Add(NetworkNamespace.Create("ctr"));
        ProcessRunner.Run("ip", "link", "add", "ctr0", "netns", Server.Name, "type", "veth", "peer", "name", "eth0", "netns", ns.Name)
            .EnsureSuccess("veth for the container");
        Batch(Server, $"addr add {ServerContainerSideIPv4}/30 dev ctr0", "link set ctr0 up");
        Batch(ns, $"addr add {ContainerIPv4}/30 dev eth0", "link set eth0 up", $"route add default via {ServerContainerSideIPv4}");
        Sysctl(Server, "net.ipv4.ip_forward=1");
        Server.Exec("nft", ["-f", "-"], TestTimeouts.Command, DockerLikeNat).EnsureSuccess("DNAT table in the server namespace");
        Container = new LabHost(LabRole.Container, ns, ContainerIPv4, null, MacOf(ns, "eth0"));
    }

    private NetworkNamespace Add(NetworkNamespace ns)
    {
        _namespaces.Add(ns);
        return ns;
    }

    private static void Sysctl(NetworkNamespace ns, params string[] settings) =>
        ns.Exec("sysctl", ["-qw", .. settings], TestTimeouts.Command).EnsureSuccess($"sysctl in {ns.Name}");

    private static void Sysctl(LabHost host, params string[] settings) => Sysctl(host.Namespace, settings);

    /// <summary>Several `ip` commands in one process (`ip -n NS -batch -`); the lines are constants and lab addresses.</summary>
    private static void Batch(NetworkNamespace ns, params string[] commands) =>
        ProcessRunner.Run("ip", ["-n", ns.Name, "-batch", "-"], TestTimeouts.Command, string.Join('\n', commands) + "\n")
            .EnsureSuccess($"ip -batch in {ns.Name}: {string.Join("; ", commands)}");

    private static void Batch(LabHost host, params string[] commands) => Batch(host.Namespace, commands);

    private static string MacOf(NetworkNamespace ns, string device)
    {
        // `ip -br link` prints: eth0@if12  UP  02:5e:...:0a <BROADCAST,...>
        var line = ProcessRunner.Run("ip", "-n", ns.Name, "-br", "link", "show", "dev", device).EnsureSuccess("ip link show").StdOut;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 3 ? fields[2] : throw new InvalidOperationException($"no MAC in '{line}'");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Deletes every namespace of the lab, last created first; never throws.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = _namespaces.Count - 1; i >= 0; i--)
        {
            _namespaces[i].Dispose();
        }
    }
}
