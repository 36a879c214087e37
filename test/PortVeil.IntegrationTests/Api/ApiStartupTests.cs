using System.Net;
using System.Net.Sockets;
using PortVeil.IntegrationTests.Daemon;

namespace PortVeil.IntegrationTests.Api;

/// <summary>Protection never depends on the dashboard: an API that cannot start leaves the daemon protecting.</summary>
[Collection(DaemonCollection.Name)]
public class ApiStartupTests
{
    [Fact]
    public async Task A_taken_api_port_leaves_the_daemon_running_without_the_api()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var lab = new DaemonLab(scanners: 0, clients: 0, 22);
        var options = ApiLab.Options(lab);
        options.Listen = $"127.0.0.1:{port}";

        var daemon = await lab.StartAsync(lab.Stages(api: options));
        Assert.Null(daemon.Api);
        Assert.NotNull(daemon.Enforcer);
        Assert.Equal(0, lab.Lab.Server.Exec("nft", "list", "table", "inet", "portveil").ExitCode);
    }
}
