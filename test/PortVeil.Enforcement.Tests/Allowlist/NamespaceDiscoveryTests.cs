using System.Net;
using System.Net.Sockets;
using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Enforcement.Tests.Support;
using PortVeil.TestSupport;

namespace PortVeil.Enforcement.Tests.Allowlist;

/// <summary>
/// Discovery against a real kernel: namespaces this test creates, documentation addresses only, and discovery run on a
/// thread inside the namespace so /proc/thread-self/net and netlink show that namespace, not the host.
/// </summary>
public class NamespaceDiscoveryTests
{
    private static AllowlistOptions Only(bool gateways = false, bool hosts = false, bool ssh = false)
    {
        var options = new AllowlistOptions
        {
            DiscoverGateways = gateways,
            DiscoverHostAddresses = hosts,
            DiscoverSshClients = ssh,
            DiscoverResolvers = false,
        };
        return options;
    }

    private static string[] Listed(IReadOnlyList<AllowlistEntry> entries, AllowlistSource source) =>
        entries.Where(e => e.Source == source).Select(e => e.Prefix.ToString()).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Discovered_gateways_and_host_addresses_are_exactly_the_ones_configured_in_the_namespace()
    {
        using var host = NetworkNamespace.Create("alw-h");
        using var router = NetworkNamespace.Create("alw-r");
        VethPair.Link(host, "pvh0", ["198.51.100.10/24", "2001:db8:1::10/64"], router, "pvr0", ["198.51.100.1/24", "2001:db8:1::1/64"]);
        host.Exec("ip", "route", "add", "default", "via", "198.51.100.1").EnsureSuccess("v4 default route");
        host.Exec("ip", "-6", "route", "add", "default", "via", "2001:db8:1::1").EnsureSuccess("v6 default route");
        var discovery = new AllowlistDiscovery(Only(gateways: true, hosts: true), new Dictionary<string, string>());

        var entries = host.RunInside(discovery.Discover);

        Assert.Equal(["198.51.100.1", "2001:db8:1::1"], Listed(entries, AllowlistSource.Gateway));
        Assert.Equal(["198.51.100.10", "2001:db8:1::10"], Listed(entries, AllowlistSource.HostAddress));
        Assert.Contains(entries, e => e.Reason == "gateway 198.51.100.1 (default route via pvh0)");
        Assert.Contains(entries, e => e.Reason == "this host's address on pvh0");
        Assert.Equal(0, discovery.Errors.Count);
    }

    [Fact]
    public void A_live_tcp_session_to_port_22_makes_its_client_the_admin_and_other_ports_do_not()
    {
        using var server = NetworkNamespace.Create("alw-s");
        using var client = NetworkNamespace.Create("alw-c");
        VethPair.Link(server, "pvs0", ["203.0.113.1/24", "2001:db8:2::1/64"], client, "pvc0", ["203.0.113.2/24", "2001:db8:2::2/64"]);
        using var sshd = server.RunInside(() => Listen(22));
        using var web = server.RunInside(() => Listen(8443));
        using var v4 = client.RunInside(() => Connect(IPAddress.Parse("203.0.113.1"), 22));
        using var v6 = client.RunInside(() => Connect(IPAddress.Parse("2001:db8:2::1"), 22));
        using var other = client.RunInside(() => Connect(IPAddress.Parse("203.0.113.1"), 8443));
        using var accepted4 = sshd.Accept();
        using var accepted6 = sshd.Accept();
        var discovery = new AllowlistDiscovery(Only(ssh: true), new Dictionary<string, string>());

        var entries = server.RunInside(discovery.Discover);

        // 203.0.113.2 also reached 8443, but only its SSH session makes it the admin; the IPv6 session is found in tcp6.
        Assert.Equal(["2001:db8:2::2", "203.0.113.2"], Listed(entries, AllowlistSource.AdminSsh));
        Assert.All(entries, e => Assert.Equal("admin SSH client (live session)", e.Reason));

        // Closed sessions drop off at the next refresh.
        v4.Close();
        v6.Close();
        accepted4.Close();
        accepted6.Close();
        var deadline = DateTime.UtcNow + TestTimeouts.Event;
        var after = entries;
        while (DateTime.UtcNow < deadline)
        {
            after = server.RunInside(discovery.Discover);
            if (after.Count == 0)
            {
                break;
            }

            Thread.Sleep(50);
        }

        Assert.Empty(after);
    }

    [Fact]
    public void A_new_ssh_connection_counts_as_the_admin_only_after_outliving_sshds_login_grace_time()
    {
        using var server = NetworkNamespace.Create("alw-g");
        using var client = NetworkNamespace.Create("alw-k");
        VethPair.Link(server, "pvg0", ["198.51.100.1/24"], client, "pvk0", ["198.51.100.66/24"]);
        using var sshd = server.RunInside(() => Listen(22));
        var clock = new ManualClock(Some.Start);
        var discovery = new AllowlistDiscovery(Only(ssh: true), new Dictionary<string, string>(), clock);
        Assert.Empty(server.RunInside(discovery.Discover)); // the first refresh: nobody connected yet

        using var session = client.RunInside(() => Connect(IPAddress.Parse("198.51.100.1"), 22));
        using var accepted = sshd.Accept();
        var fresh = server.RunInside(discovery.Discover);
        clock.Now += TimeSpan.FromSeconds(119);
        var almost = server.RunInside(discovery.Discover);
        clock.Now += TimeSpan.FromSeconds(1);
        var old = server.RunInside(discovery.Discover);

        // A scanner that completes a handshake to port 22 is not the admin; a session alive past 120 s is.
        Assert.Empty(fresh);
        Assert.Empty(almost);
        Assert.Equal(["198.51.100.66"], Listed(old, AllowlistSource.AdminSsh));
    }

    [Fact]
    public void A_refresh_brings_a_new_admin_session_onto_the_live_list_and_takes_it_off_when_it_ends()
    {
        using var server = NetworkNamespace.Create("alw-l");
        using var client = NetworkNamespace.Create("alw-m");
        VethPair.Link(server, "pvl0", ["192.0.2.1/24"], client, "pvm0", ["192.0.2.66/24"]);
        using var sshd = server.RunInside(() => Listen(22));
        var options = Only(ssh: true);
        options.SshSessionMinAge = TimeSpan.Zero;
        var live = server.RunInside(() => new LiveAllowlist(new AllowlistDiscovery(options, new Dictionary<string, string>())));
        var policy = new BanPolicy(new PolicyOptions(), live, new InMemoryOffenceHistory());
        var admin = NetAddress.Parse("192.0.2.66");
        Assert.False(live.Current.Contains(admin));

        var session = client.RunInside(() => Connect(IPAddress.Parse("192.0.2.1"), 22));
        var accepted = sshd.Accept();
        server.RunInside(live.Refresh);
        var during = policy.Decide(Some.Verdict("192.0.2.66"), Some.Start);

        session.Dispose();
        accepted.Dispose();
        var deadline = DateTime.UtcNow + TestTimeouts.Event;
        while (server.RunInside(live.Refresh).Contains(admin) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        var after = policy.Decide(Some.Verdict("192.0.2.66"), Some.Start + TimeSpan.FromMinutes(1));

        Assert.Equal(SkipReason.Allowlisted, during.SkipReason);
        Assert.Equal(AllowlistSource.AdminSsh, during.AllowlistEntry!.Source);
        Assert.Equal(BanAction.Ban, after.Action);
    }

    [Fact]
    public void Gateway_resolver_host_address_and_admin_discovered_in_a_namespace_are_never_banned()
    {
        using var host = NetworkNamespace.Create("alw-p");
        using var peer = NetworkNamespace.Create("alw-q");
        VethPair.Link(host, "pvp0", ["192.0.2.10/24"], peer, "pvq0", ["192.0.2.1/24", "192.0.2.77/24"]);
        host.Exec("ip", "route", "add", "default", "via", "192.0.2.1").EnsureSuccess("default route");
        using var sshd = host.RunInside(() => Listen(22));
        using var admin = peer.RunInside(() => Connect(IPAddress.Parse("192.0.2.10"), 22, IPAddress.Parse("192.0.2.77")));
        var resolv = Path.Combine(Path.GetTempPath(), $"pv-resolv-{Guid.NewGuid():N}");
        File.WriteAllText(resolv, "nameserver 192.0.2.53\n");
        try
        {
            var options = new AllowlistOptions();
            options.ResolvConfPaths.Clear();
            options.ResolvConfPaths.Add(resolv);
            var discovery = new AllowlistDiscovery(options, new Dictionary<string, string>());
            var index = host.RunInside(discovery.BuildIndex);
            var policy = Some.Policy(index);

            var expected = new Dictionary<string, AllowlistSource>
            {
                ["192.0.2.1"] = AllowlistSource.Gateway,
                ["192.0.2.53"] = AllowlistSource.Resolver,
                ["192.0.2.10"] = AllowlistSource.HostAddress,
                ["192.0.2.77"] = AllowlistSource.AdminSsh,
            };
            var now = Some.Start;
            foreach (var (address, source) in expected)
            {
                for (var i = 0; i < 50; i++)
                {
                    var d = policy.Decide(Some.Verdict(address, verified: true, probes: 5000, score: 1e6), now);
                    Assert.Equal(BanAction.Skip, d.Action);
                    Assert.Equal(SkipReason.Allowlisted, d.SkipReason);
                    Assert.Equal(source, d.AllowlistEntry!.Source);
                    now += TimeSpan.FromSeconds(1);
                }
            }

            // A neighbour that is on no list is banned, and its /24 never is, because it holds the four above.
            for (var i = 100; i < 140; i++)
            {
                var d = policy.Decide(Some.Verdict($"192.0.2.{i}"), now);
                Assert.NotEqual(BanAction.SubnetBan, d.Action);
                Assert.False(d.Action == BanAction.Ban && expected.ContainsKey(d.Target.ToString()));
            }

            Assert.True(policy.Counters.Bans > 0);
        }
        finally
        {
            File.Delete(resolv);
        }
    }

    private static Socket Listen(int port)
    {
        var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        s.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        s.Listen(16);
        return s;
    }

    private static Socket Connect(IPAddress server, int port, IPAddress? from = null)
    {
        var s = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (from is not null)
        {
            s.Bind(new IPEndPoint(from, 0));
        }

        s.Connect(new IPEndPoint(server, port));
        return s;
    }
}
