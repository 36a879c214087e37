namespace PortVeil.TestSupport.Lab;

/// <summary>One host of a <see cref="LabTopology"/>: its namespace, its interface and its addresses.</summary>
public sealed class LabHost
{
    internal LabHost(LabRole role, NetworkNamespace ns, string ipv4, string? ipv6, string mac)
    {
        Role = role;
        Namespace = ns;
        IPv4 = ipv4;
        IPv6 = ipv6;
        Mac = mac;
    }

    public LabRole Role { get; }

    public NetworkNamespace Namespace { get; }

    public string Name => Namespace.Name;

    /// <summary>The interface facing the lab (the bridge, or the server for the container).</summary>
    public string Interface { get; } = "eth0";

    public string IPv4 { get; }

    /// <summary>The IPv6 address, or null when the host has none (the container).</summary>
    public string? IPv6 { get; }

    /// <summary>MAC address of <see cref="Interface"/> (masscan needs the next hop's).</summary>
    public string Mac { get; }

    public ProcessResult Exec(string program, params string[] args) => Namespace.Exec(program, args);

    public ProcessResult Exec(string program, IEnumerable<string> args, TimeSpan? timeout, string? stdin = null) =>
        Namespace.Exec(program, args, timeout, stdin);

    public StartedProcess Start(string program, params string[] args) => Namespace.Start(program, args);

    public T RunInside<T>(Func<T> action) => Namespace.RunInside(action);

    public override string ToString() => $"{Role} {Name} {IPv4}";
}
