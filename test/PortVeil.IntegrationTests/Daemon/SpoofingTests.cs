using System.Net;
using System.Net.Sockets;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// Spoofed scans "from" the gateway and "from" the admin's live SSH client must never get them banned, while a
/// real scanner in the same run still is.
/// </summary>
[Collection(DaemonCollection.Name)]
public class SpoofingTests
{
    private const string Gateway = "203.0.113.1";

    [Fact]
    public async Task The_gateway_and_the_admins_ssh_client_are_never_banned_even_when_spoofed_into_scans()
    {
        await using var lab = new DaemonLab(scanners: 2, clients: 1, 22, 443);
        lab.Lab.Server.Exec("ip", "route", "add", "default", "via", Gateway).EnsureSuccess("default route");
        var admin = lab.Lab.Clients[0];

        // The admin is logged in over SSH before PortVeil starts (a session open at start counts at once).
        using var session = admin.RunInside(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(new IPEndPoint(IPAddress.Parse(LabTopology.ServerIPv4), 22));
            return s;
        });
        await lab.StartAsync();

        var attacker = lab.Lab.Scanners[0];
        Hping.SpoofedSynScan(attacker, Gateway, LabTopology.ServerIPv4, 1000, 60);
        Hping.SpoofedSynScan(attacker, admin.IPv4, LabTopology.ServerIPv4, 2000, 60);

        // Control: the same spoofed packets "from" an address nobody vouches for do arrive and do get it banned.
        const string Innocent = "198.51.100.200";
        Hping.SpoofedSynScan(attacker, Innocent, LabTopology.ServerIPv4, 3000, 60);

        // A real scan in the same run is still caught, so the silence above is the allowlist, not a blind daemon.
        var scanner = lab.Lab.Scanners[1];
        Nmap.Scan(scanner, LabTopology.ServerIPv4, "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms", "-p", "1-200");
        IReadOnlyList<string> bans = [];
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            bans = await lab.KernelBansAsync();
            if (bans.Contains(scanner.IPv4) && bans.Contains(Innocent))
            {
                break;
            }
        }

        Assert.Contains(scanner.IPv4, bans);
        Assert.Contains(Innocent, bans);
        Assert.DoesNotContain(Gateway, bans);
        Assert.DoesNotContain(admin.IPv4, bans);

        // The admin's session and new connections still work.
        Assert.True(session.Connected);
        Assert.True(LabTcpClient.TryConnect(admin, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(6)));
    }
}
