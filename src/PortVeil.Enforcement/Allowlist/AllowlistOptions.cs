namespace PortVeil.Enforcement.Allowlist;

/// <summary>What goes on the allowlist; defaults and their reasons live in <see cref="AllowlistOptionsDefaults"/>.</summary>
public sealed class AllowlistOptions
{
    /// <summary>Addresses and CIDR blocks (IPv4 or IPv6) the administrator never wants banned, e.g. "192.0.2.0/24".</summary>
    public IList<string> Static { get; } = [];

    /// <summary>Allowlist the default gateways (IPv4 and IPv6) from the routing table.</summary>
    public bool DiscoverGateways { get; set; } = true;

    /// <summary>Allowlist the DNS resolvers named in <see cref="ResolvConfPaths"/>.</summary>
    public bool DiscoverResolvers { get; set; } = true;

    /// <summary>Allowlist this host's own addresses (a spoofed packet "from" the host must not ban it).</summary>
    public bool DiscoverHostAddresses { get; set; } = true;

    /// <summary>Allowlist clients of live SSH sessions (ESTABLISHED to <see cref="SshPorts"/>) and the SSH client that started the daemon.</summary>
    public bool DiscoverSshClients { get; set; } = true;

    /// <summary>Local ports sshd listens on.</summary>
    public IList<ushort> SshPorts { get; } = [AllowlistOptionsDefaults.SshPort];

    /// <summary>How long a connection to sshd must have been ESTABLISHED before its client is allowlisted (0 = at once).</summary>
    public TimeSpan SshSessionMinAge { get; set; } = TimeSpan.FromSeconds(AllowlistOptionsDefaults.SshSessionMinAgeSeconds);

    /// <summary>resolv.conf files to read; missing files are skipped.</summary>
    public IList<string> ResolvConfPaths { get; } = [AllowlistOptionsDefaults.ResolvConf, AllowlistOptionsDefaults.SystemdResolvConf];

    /// <summary>Where route, ipv6_route, tcp and tcp6 are read from.</summary>
    public string ProcNetDirectory { get; set; } = AllowlistOptionsDefaults.ProcNetDirectory;

    /// <summary>How often the daemon re-runs discovery.</summary>
    public TimeSpan Refresh { get; set; } = TimeSpan.FromSeconds(AllowlistOptionsDefaults.RefreshSeconds);
}
