using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Harness;

public class LabTopologyTests
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public void Clients_and_scanners_reach_the_server_over_ipv4_and_ipv6_and_the_lab_is_removed_on_dispose()
    {
        List<string> names;
        using (var lab = LabTopology.Builder().WithScanners(2).WithClients(2).Build())
        {
            names = [.. lab.Namespaces.Select(n => n.Name)];
            using var service = LabTcpListener.Start(lab.Server, 22);

            foreach (var host in lab.Clients.Concat(lab.Scanners))
            {
                Assert.True(LabTcpClient.TryConnect(host, LabTopology.ServerIPv4, 22, ConnectTimeout), $"{host} over IPv4");
                Assert.True(LabTcpClient.TryConnect(host, LabTopology.ServerIPv6, 22, ConnectTimeout), $"{host} over IPv6");
            }

            Assert.Equal(8, service.Accepted);
            Assert.False(LabTcpClient.TryConnect(lab.Clients[0], LabTopology.ServerIPv4, 23, ConnectTimeout));
            Assert.All(names, n => Assert.StartsWith("pv-", n, StringComparison.Ordinal));
        }

        var list = ProcessRunner.Run("ip", "netns", "list").StdOut;
        Assert.All(names, n => Assert.DoesNotContain(n, list, StringComparison.Ordinal));
    }

    [Fact]
    public void The_published_port_on_the_server_reaches_the_container_through_dnat()
    {
        using var lab = LabTopology.Builder().WithScanners(0).WithClients(1).WithContainer().Build();
        using var web = LabTcpListener.Start(lab.Container!, LabTopology.ContainerPort);

        Assert.True(LabTcpClient.TryConnect(lab.Clients[0], LabTopology.ServerIPv4, LabTopology.PublishedPort, ConnectTimeout));
        Assert.Equal(1, web.Accepted);
    }

    [Fact]
    public void Nmap_from_a_scanner_reports_exactly_the_servers_open_ports()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        using var ssh = LabTcpListener.Start(lab.Server, 22);
        using var web = LabTcpListener.Start(lab.Server, 80);

        var result = Nmap.Scan(lab.Scanners[0], LabTopology.ServerIPv4, "-sS", "-Pn", "-T4", "-p", "1-100");

        Assert.Equal([22, 80], result.OpenPorts);
        Assert.Contains(result.Ports, p => p.Port == 22 && p.Protocol == "tcp" && p.Reason == "syn-ack");
    }

    [Fact]
    public void Masscan_from_a_scanner_reports_the_servers_open_ports()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        using var ssh = LabTcpListener.Start(lab.Server, 22);
        using var web = LabTcpListener.Start(lab.Server, 80);

        var open = Masscan.Scan(lab.Scanners[0], lab.Server, "1-200");

        Assert.Equal([22, 80], open);
    }

    [Fact]
    public void Sweep_deletes_namespaces_of_dead_test_runs_and_keeps_live_ones()
    {
        using var live = NetworkNamespace.Create("live");
        var stale = $"pv-stale-{Guid.NewGuid().ToString("N")[..6]}";
        ProcessRunner.Run("ip", "netns", "add", stale).EnsureSuccess("ip netns add");
        try
        {
            // The owner is a process that has exited: its PID no longer has that start time (or exists at all).
            using var gone = ProcessRunner.Start("true", []);
            gone.WaitForExit(TestTimeouts.Command);
            var pid = gone.Process.Id;
            File.WriteAllText(Path.Combine(NetworkNamespace.OwnerDirectory, stale), $"{pid} 1\n");

            var swept = NetworkNamespace.SweepStale();

            Assert.Contains(stale, swept);
            Assert.DoesNotContain(live.Name, swept);
            var list = ProcessRunner.Run("ip", "netns", "list").StdOut;
            Assert.DoesNotContain(stale, list, StringComparison.Ordinal);
            Assert.Contains(live.Name, list, StringComparison.Ordinal);
        }
        finally
        {
            ProcessRunner.Run("ip", "netns", "del", stale);
        }
    }
}
