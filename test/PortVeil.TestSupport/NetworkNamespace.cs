namespace PortVeil.TestSupport;

/// <summary>
/// A network namespace this test created (named pv-…), removed in <see cref="Dispose"/> even when the test fails.
/// Commands run inside it through `ip netns exec` with an argument list, never a shell string.
/// </summary>
/// <remarks>Only documentation ranges are ever configured: 198.51.100.0/24, 203.0.113.0/24, 192.0.2.0/24, 2001:db8::/32.</remarks>
public sealed partial class NetworkNamespace : IDisposable
{
    private bool _disposed;

    private NetworkNamespace(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>Creates a fresh namespace with loopback up. The name gets a random suffix so parallel tests never collide.</summary>
    public static NetworkNamespace Create(string prefix)
    {
        var name = $"pv-{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        if (name.Length > 15 + 20)
        {
            throw new ArgumentException("namespace prefix too long", nameof(prefix));
        }

        ProcessRunner.Run("ip", "netns", "add", name).EnsureSuccess($"ip netns add {name}");
        var ns = new NetworkNamespace(name);
        try
        {
            WriteOwner(name);
            ns.Exec("ip", "link", "set", "lo", "up").EnsureSuccess("lo up");
        }
        catch
        {
            ns.Dispose();
            throw;
        }

        return ns;
    }

    /// <summary>Runs a program inside the namespace.</summary>
    public ProcessResult Exec(string program, params string[] args) => Exec(program, args, null);

    public ProcessResult Exec(string program, IEnumerable<string> args, TimeSpan? timeout, string? stdin = null) =>
        ProcessRunner.Run("ip", ["netns", "exec", Name, program, .. args], timeout, stdin);

    /// <summary>Starts a long-running program inside the namespace; dispose the result to kill it.</summary>
    public StartedProcess Start(string program, params string[] args) =>
        ProcessRunner.Start("ip", ["netns", "exec", Name, program, .. args]);

    /// <summary>
    /// Links two namespaces with a veth pair and gives each end an address (CIDR notation, documentation ranges only).
    /// </summary>
    public static void Link(NetworkNamespace a, string aIf, string aCidr, NetworkNamespace b, string bIf, string bCidr)
    {
        DocumentationRanges.EnsureAllowed(aCidr);
        DocumentationRanges.EnsureAllowed(bCidr);
        ProcessRunner.Run("ip", "link", "add", aIf, "netns", a.Name, "type", "veth", "peer", "name", bIf, "netns", b.Name)
            .EnsureSuccess("veth add");
        a.Exec("ip", "addr", "add", aCidr, "dev", aIf).EnsureSuccess("addr a");
        b.Exec("ip", "addr", "add", bCidr, "dev", bIf).EnsureSuccess("addr b");
        a.Exec("ip", "link", "set", aIf, "up").EnsureSuccess("up a");
        b.Exec("ip", "link", "set", bIf, "up").EnsureSuccess("up b");
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Deleting the namespace kills its veth ends; processes inside were started by the test and are
        // disposed by it. A failure here is reported, not thrown, so it never hides the test's own failure.
        var r = ProcessRunner.Run("ip", "netns", "del", Name);
        if (r.ExitCode != 0)
        {
            Console.Error.WriteLine($"warning: ip netns del {Name}: {r.StdErr}");
        }
        else
        {
            DeleteOwner(Name);
        }
    }
}
