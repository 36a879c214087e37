namespace PortVeil.Cli.Demo;

/// <summary>
/// The demo's throwaway network: three namespaces created for this run and deleted in <see cref="Dispose"/> — also
/// on Ctrl+C, on failure, and (as a last resort) when the process exits while they still exist.
/// </summary>
/// <remarks>
/// <code>
///   scanner  198.51.100.66/24 eth0 ──veth── eth0 203.0.113.10/24  server (listens on 22, 80, 443)
///                                            ctr0 192.0.2.129/30 ──veth── eth0 192.0.2.130/30  container (80)
/// </code>
/// Documentation addresses only, on-link routes between the two /24s and no default route anywhere, so no packet
/// can leave the lab. The server DNATs tcp/8080 to the container's port 80 in its own table `ip pvdemo_docker`
/// (priority dstnat, as Docker publishes a port), so the demo shows a Docker-published port too. Nothing here
/// touches the host's own namespace or firewall.
/// </remarks>
internal sealed class DemoLab : IDisposable
{
    public const string ServerAddress = "203.0.113.10";
    public const string ScannerAddress = "198.51.100.66";
    public const string ContainerAddress = "192.0.2.130";
    public const string ServerContainerSide = "192.0.2.129";
    public const int PublishedPort = 8080;

    /// <summary>The server's own services, and the container's port behind <see cref="PublishedPort"/>.</summary>
    public static readonly int[] ServerPorts = [22, 80, 443];

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    // Docker's DNAT for `-p 8080:80`, in the server namespace only. Constant text: nothing is spliced in.
    private const string DockerLikeNat = """
        table ip pvdemo_docker {
            chain prerouting {
                type nat hook prerouting priority dstnat; policy accept;
                iifname "eth0" tcp dport 8080 dnat to 192.0.2.130:80
            }
        }
        """;

    private readonly List<string> _namespaces = [];
    private readonly List<DemoListener> _listeners = [];
    private readonly Lock _gate = new();
    private readonly EventHandler _onExit;
    private bool _disposed;

    private DemoLab(string suffix)
    {
        Server = "pvdemo-srv-" + suffix;
        Scanner = "pvdemo-scan-" + suffix;
        Container = "pvdemo-ctr-" + suffix;
        _onExit = (_, _) => Dispose();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    public string Server { get; }

    public string Scanner { get; }

    public string Container { get; }

    /// <summary>The server namespace's file, which the in-process daemon joins to protect it.</summary>
    public string ServerPath => Path.Combine("/var/run/netns", Server);

    /// <summary>Every namespace this run created (and will delete).</summary>
    public IReadOnlyList<string> Namespaces
    {
        get
        {
            lock (_gate)
            {
                return [.. _namespaces];
            }
        }
    }

    public static DemoLab Create()
    {
        var lab = new DemoLab(Guid.NewGuid().ToString("N")[..6]);
        try
        {
            lab.Build();
        }
        catch
        {
            lab.Dispose();
            throw;
        }

        return lab;
    }

    private void Build()
    {
        AddNamespace(Server);
        AddNamespace(Scanner);
        AddNamespace(Container);

        Ip("link", "add", "eth0", "netns", Server, "type", "veth", "peer", "name", "eth0", "netns", Scanner);
        Ip("link", "add", "ctr0", "netns", Server, "type", "veth", "peer", "name", "eth0", "netns", Container);

        Batch(Server,
            $"addr add {ServerAddress}/24 dev eth0", "link set eth0 up", "route add 198.51.100.0/24 dev eth0",
            $"addr add {ServerContainerSide}/30 dev ctr0", "link set ctr0 up");
        Batch(Scanner, $"addr add {ScannerAddress}/24 dev eth0", "link set eth0 up", "route add 203.0.113.0/24 dev eth0");
        // The container answers the scanner through the server (no default route: only the scanner's /24).
        Batch(Container, $"addr add {ContainerAddress}/30 dev eth0", "link set eth0 up", $"route add 198.51.100.0/24 via {ServerContainerSide}");

        Exec(Server, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        DemoProcess.Run("ip", ["netns", "exec", Server, "nft", "-f", "-"], CommandTimeout, stdin: DockerLikeNat)
            .EnsureSuccess("the DNAT table in the demo server namespace");

        foreach (var port in ServerPorts)
        {
            _listeners.Add(DemoListener.Start(ServerPath, port));
        }

        _listeners.Add(DemoListener.Start(Path.Combine("/var/run/netns", Container), 80));
    }

    /// <summary>Runs <paramref name="program"/> inside namespace <paramref name="ns"/> (`ip netns exec`).</summary>
    public static DemoProcess.Result Exec(string ns, string program, params string[] args) =>
        DemoProcess.Run("ip", ["netns", "exec", ns, program, .. args], CommandTimeout).EnsureSuccess($"{program} in {ns}");

    private void AddNamespace(string name)
    {
        DemoProcess.Run("ip", "netns", "add", name).EnsureSuccess("ip netns add " + name);
        lock (_gate)
        {
            _namespaces.Add(name);
        }

        // No IPv6 at all: nothing but the demo's own IPv4 scan crosses its links.
        Exec(name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        Batch(name, "link set lo up");
    }

    private static void Ip(params string[] args) => DemoProcess.Run("ip", args).EnsureSuccess("ip " + string.Join(' ', args));

    /// <summary>Several `ip` commands in one process (`ip -n NS -batch -`); the lines are constants and lab addresses.</summary>
    private static void Batch(string ns, params string[] commands) =>
        DemoProcess.Run("ip", ["-n", ns, "-batch", "-"], CommandTimeout, stdin: string.Join('\n', commands) + "\n")
            .EnsureSuccess($"ip -batch in {ns}");

    /// <summary>Stops the listeners and deletes every namespace of this run, last created first; never throws.</summary>
    public void Dispose()
    {
        List<string> namespaces;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            namespaces = [.. _namespaces];
        }

        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        foreach (var l in _listeners)
        {
            l.Dispose();
        }

        for (var i = namespaces.Count - 1; i >= 0; i--)
        {
            try
            {
                var r = DemoProcess.Run("ip", "netns", "del", namespaces[i]);
                if (r.ExitCode != 0)
                {
                    Console.Error.WriteLine($"portveil demo: could not delete namespace {namespaces[i]}: {r.StdErr.Trim()} (delete it with: ip netns del {namespaces[i]})");
                }
            }
            catch (DemoException e)
            {
                Console.Error.WriteLine($"portveil demo: {e.Message} (delete it with: ip netns del {namespaces[i]})");
            }
        }
    }
}
