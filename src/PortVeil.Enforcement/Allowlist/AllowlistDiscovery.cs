using System.Net.NetworkInformation;
using System.Net.Sockets;
using PortVeil.Core;

namespace PortVeil.Enforcement.Allowlist;

/// <summary>
/// Finds the addresses that must never be banned: default gateways, DNS resolvers, this host's own addresses and
/// the admin's live SSH clients, by reading procfs, resolv.conf and the interface list (netlink through
/// System.Net.NetworkInformation). Never runs a program. Everything is read in the calling thread's network
/// namespace (/proc/thread-self/net, and netlink sockets are created in the thread's namespace).
/// </summary>
/// <remarks>Not thread-safe: one refresh at a time (<see cref="LiveAllowlist"/> serialises them).</remarks>
public sealed class AllowlistDiscovery
{
    private const string StaticReason = "static allowlist entry from configuration";
    private const string LiveSshReason = "admin SSH client (live session)";

    private readonly AllowlistOptions _options;
    private readonly AllowlistEntry[] _static;
    private readonly AllowlistEntry[] _starter;
    private readonly TimeProvider _time;

    // When each live SSH connection (client, client port, local port) was first seen ESTABLISHED; pruned to the
    // connections of the latest refresh, so it holds at most as many entries as sshd has connections.
    private Dictionary<(NetAddress, ushort, ushort), DateTimeOffset> _sshFirstSeen = [];
    private Dictionary<(NetAddress, ushort, ushort), DateTimeOffset> _sshSeenNow = [];
    private bool _sshBaselineTaken;

    /// <param name="options">What to discover; the static entries must all parse (see <see cref="Validate"/>).</param>
    /// <param name="environment">
    /// The environment of the process that started the daemon (SSH_CONNECTION, SSH_CLIENT); null reads this process's.
    /// </param>
    /// <param name="time">The clock that ages SSH connections; the system clock when null.</param>
    public AllowlistDiscovery(AllowlistOptions options, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Validate(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid allowlist configuration: " + string.Join("; ", problems), nameof(options));
        }

        _options = options;
        _time = time ?? TimeProvider.System;
        _static = new AllowlistEntry[options.Static.Count];
        for (var i = 0; i < _static.Length; i++)
        {
            _static[i] = new AllowlistEntry(NetPrefix.Parse(options.Static[i]), AllowlistSource.Static, StaticReason);
        }

        _starter = options.DiscoverSshClients ? StarterSshClients(environment) : [];
    }

    /// <summary>Lines that could not be read, counted, the first few kept with file, line and byte offset.</summary>
    public ParseErrorLog Errors { get; } = new();

    /// <summary>Every problem with the options, each naming the key; empty when they are usable.</summary>
    public static IReadOnlyList<string> Validate(AllowlistOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        for (var i = 0; i < options.Static.Count; i++)
        {
            if (!NetPrefix.TryParse(options.Static[i], out _))
            {
                problems.Add($"allowlist.static[{i}]: '{options.Static[i]}' is not an IPv4/IPv6 address or CIDR block");
            }
        }

        for (var i = 0; i < options.SshPorts.Count; i++)
        {
            if (options.SshPorts[i] == 0)
            {
                problems.Add($"allowlist.ssh_ports[{i}]: port 0 is not a port sshd can listen on");
            }
        }

        if (options.SshSessionMinAge < TimeSpan.Zero)
        {
            problems.Add("allowlist.ssh_session_min_age: must be 0 or more");
        }

        if (options.Refresh <= TimeSpan.Zero)
        {
            problems.Add("allowlist.refresh: must be positive");
        }

        return problems;
    }

    /// <summary>Runs every enabled discovery and returns an index of static, discovered and reserved entries.</summary>
    public AllowlistIndex BuildIndex()
    {
        var entries = new List<AllowlistEntry>(_static);
        entries.AddRange(Discover());
        return AllowlistIndex.Create(entries);
    }

    /// <summary>The discovered entries alone (no static or reserved ones), without duplicates.</summary>
    public IReadOnlyList<AllowlistEntry> Discover()
    {
        var found = new List<AllowlistEntry>();
        if (_options.DiscoverGateways)
        {
            DiscoverGateways(found);
        }

        if (_options.DiscoverResolvers)
        {
            foreach (var path in _options.ResolvConfPaths)
            {
                DiscoverResolvers(path, found);
            }
        }

        if (_options.DiscoverHostAddresses)
        {
            DiscoverHostAddresses(found);
        }

        if (_options.DiscoverSshClients)
        {
            found.AddRange(_starter);
            var now = _time.GetUtcNow();
            _sshSeenNow.Clear();
            DiscoverSshSessions("tcp", now, found);
            DiscoverSshSessions("tcp6", now, found);
            (_sshFirstSeen, _sshSeenNow) = (_sshSeenNow, _sshFirstSeen);
            _sshBaselineTaken = true;
        }

        var seen = new HashSet<(NetPrefix, AllowlistSource)>();
        var unique = new List<AllowlistEntry>(found.Count);
        foreach (var e in found)
        {
            if (seen.Add((e.Prefix, e.Source)))
            {
                unique.Add(e);
            }
        }

        return unique;
    }

    private void DiscoverGateways(List<AllowlistEntry> found)
    {
        foreach (var (line, number, offset, path) in ReadLines(Path.Combine(_options.ProcNetDirectory, "route")))
        {
            switch (ProcNetParser.ParseRoute(line, out var device, out var gateway))
            {
                case LineKind.Parsed:
                    found.Add(Single(gateway, AllowlistSource.Gateway, $"gateway {gateway} (default route via {device})"));
                    break;
                case LineKind.Malformed:
                    Errors.Add(new ParseError(path, number, offset, "not a routing table line"));
                    break;
            }
        }

        foreach (var (line, number, offset, path) in ReadLines(Path.Combine(_options.ProcNetDirectory, "ipv6_route")))
        {
            switch (ProcNetParser.ParseIPv6Route(line, out var device, out var gateway))
            {
                case LineKind.Parsed:
                    found.Add(Single(gateway, AllowlistSource.Gateway, $"gateway {gateway} (default route via {device})"));
                    break;
                case LineKind.Malformed:
                    Errors.Add(new ParseError(path, number, offset, "not an IPv6 routing table line"));
                    break;
            }
        }
    }

    private void DiscoverResolvers(string path, List<AllowlistEntry> found)
    {
        foreach (var (line, number, offset, _) in ReadLines(path))
        {
            switch (ProcNetParser.ParseResolvConf(line, out var resolver))
            {
                case LineKind.Parsed:
                    found.Add(Single(resolver, AllowlistSource.Resolver, $"resolver from {path}"));
                    break;
                case LineKind.Malformed:
                    Errors.Add(new ParseError(path, number, offset, "nameserver line without a valid address"));
                    break;
            }
        }
    }

    private static void DiscoverHostAddresses(List<AllowlistEntry> found)
    {
        // getifaddrs(3) under the hood: a netlink socket created on this thread, so it lists this thread's namespace.
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var ip = unicast.Address;
                if (ip.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
                {
                    continue;
                }

                var address = NetAddress.FromIPAddress(ip);
                // Loopback is a reserved range already; listing 127.0.0.1 again would only add noise to `allow list`.
                if (!ReservedRanges.IsReserved(address))
                {
                    found.Add(Single(address, AllowlistSource.HostAddress, $"this host's address on {nic.Name}"));
                }
            }
        }
    }

    private void DiscoverSshSessions(string file, DateTimeOffset now, List<AllowlistEntry> found)
    {
        foreach (var (line, number, offset, path) in ReadLines(Path.Combine(_options.ProcNetDirectory, file)))
        {
            switch (ProcNetParser.ParseTcp(line, out _, out var localPort, out var remote, out var remotePort, out var state))
            {
                case LineKind.Parsed:
                    if (state == ProcNetParser.TcpEstablished && _options.SshPorts.Contains(localPort) && !ReservedRanges.IsReserved(remote))
                    {
                        // Connections open at the first discovery count as old: the admin who started the daemon.
                        var connection = (remote, remotePort, localPort);
                        var since = _sshFirstSeen.TryGetValue(connection, out var first) ? first
                            : _sshBaselineTaken ? now : DateTimeOffset.MinValue;
                        _sshSeenNow[connection] = since;
                        if (now - since >= _options.SshSessionMinAge)
                        {
                            found.Add(Single(remote, AllowlistSource.AdminSsh, LiveSshReason));
                        }
                    }

                    break;
                case LineKind.Malformed:
                    Errors.Add(new ParseError(path, number, offset, "not a TCP socket line"));
                    break;
            }
        }
    }

    private static AllowlistEntry[] StarterSshClients(IReadOnlyDictionary<string, string>? environment)
    {
        var list = new List<AllowlistEntry>(2);
        foreach (var name in (ReadOnlySpan<string>)["SSH_CONNECTION", "SSH_CLIENT"])
        {
            var value = environment is null
                ? Environment.GetEnvironmentVariable(name)
                : environment.TryGetValue(name, out var v) ? v : null;
            if (value is not null && ProcNetParser.TryParseSshVariable(value, out var client) && !ReservedRanges.IsReserved(client))
            {
                list.Add(Single(client, AllowlistSource.AdminSsh, $"admin SSH client ({name} of the process that started PortVeil)"));
            }
        }

        return [.. list];
    }

    private static AllowlistEntry Single(NetAddress address, AllowlistSource source, string reason) =>
        new(NetPrefix.ForAddress(address), source, reason);

    /// <summary>Lines with their 1-based number and byte offset; a file that does not exist yields nothing.</summary>
    private List<(string Line, long Number, long Offset, string Path)> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            // No IPv6 (no ipv6_route, tcp6) or no systemd-resolved: nothing to discover there.
            return [];
        }

        var lines = new List<(string, long, long, string)>();
        try
        {
            long number = 0;
            long offset = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                lines.Add((line, number, offset, path));
                // procfs and resolv.conf are ASCII; +1 for the newline.
                offset += line.Length + 1;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Errors.Add(new ParseError(path, lines.Count + 1, -1, $"cannot read: {e.Message}"));
        }

        return lines;
    }
}
