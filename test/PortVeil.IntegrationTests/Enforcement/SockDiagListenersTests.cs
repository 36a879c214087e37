using System.Net;
using System.Net.Sockets;
using PortVeil.Core;
using PortVeil.Enforcement.ServedPorts;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

public class SockDiagListenersTests
{
    [Fact]
    public void Sock_diag_and_proc_net_find_the_same_served_ports_inside_a_namespace()
    {
        using var ns = NetworkNamespace.Create("diag");
        var (viaDiag, viaProc) = ns.RunInside(() =>
        {
            using var v4 = new TcpListener(IPAddress.Any, 2201);
            using var v6 = new TcpListener(IPAddress.IPv6Any, 2202);
            using var lo = new TcpListener(IPAddress.Loopback, 2203);
            using var udp = new UdpClient(new IPEndPoint(IPAddress.IPv6Any, 2204));
            v4.Start();
            v6.Start();
            lo.Start();
            using var diag = SockDiagListeners.TryOpen() ?? throw new InvalidOperationException("no sock_diag");
            var a = new HashSet<ServedPort>();
            Assert.True(diag.TryRead(a));
            var b = new HashSet<ServedPort>();
            ProcNetListeners.Read(b);
            return (a, b);
        });

        Assert.Equal(viaProc, viaDiag);
        Assert.Contains(new ServedPort(IpProtocol.Tcp, 2201), viaDiag);
        Assert.Contains(new ServedPort(IpProtocol.Tcp, 2202), viaDiag);
        Assert.Contains(new ServedPort(IpProtocol.Udp, 2204), viaDiag);
        Assert.DoesNotContain(new ServedPort(IpProtocol.Tcp, 2203), viaDiag);
    }
}
