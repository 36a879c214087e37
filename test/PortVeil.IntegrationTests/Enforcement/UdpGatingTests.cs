using System.Net;
using System.Net.Sockets;
using PortVeil.Core;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

/// <summary>
/// kernel.gating_udp: a never-seen source's first datagram to a served UDP port is dropped, its resend after the
/// minimum delay (700 ms) gets through and makes the source known. Off (the default), the first datagram is answered.
/// </summary>
public class UdpGatingTests
{
    private const int Port = 5353;

    // An echo service in the server namespace: answers every datagram, at most 100, until disposed.
    private static (Socket Socket, Task Loop) StartEcho(NetworkNamespace server)
    {
        var socket = server.RunInside(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, Port));
            return s;
        });
        var loop = Task.Run(async () =>
        {
            var buffer = new byte[64];
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    var r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
                    await socket.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), SocketFlags.None, r.RemoteEndPoint);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        });
        return (socket, loop);
    }

    // Sends up to `tries` datagrams from one client socket, `wait` apart; returns the 1-based try that was answered, 0 for none.
    private static int AnsweredOnTry(NetworkNamespace from, int tries, TimeSpan wait) => from.RunInside(() =>
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(new IPEndPoint(IPAddress.Parse(ServerAndScanner.ServerV4), Port));
        var buffer = new byte[64];
        for (var t = 1; t <= tries; t++)
        {
            client.Send("ping"u8);
            if (client.Poll((int)wait.TotalMicroseconds, SelectMode.SelectRead) && client.Receive(buffer) == 4)
            {
                return t;
            }
        }

        return 0;
    });

    [Fact]
    public async Task With_udp_gating_the_first_datagram_is_dropped_and_the_resend_after_a_second_is_answered()
    {
        using var net = ServerAndScanner.Create();
        var (socket, loop) = StartEcho(net.Server);
        try
        {
            using var enforcer = net.StartEnforcer(new PortVeilRulesetOptions { GateUdp = true });
            await enforcer.EnsureTableAsync();
            await enforcer.UpdateServedAsync([new(IpProtocol.Udp, Port)], []);

            Assert.Equal(2, AnsweredOnTry(net.Scanner, tries: 3, wait: TimeSpan.FromSeconds(1)));

            // Known now: a new flow (new client port) is answered at once.
            Assert.Equal(1, AnsweredOnTry(net.Scanner, tries: 1, wait: TimeSpan.FromSeconds(1)));
        }
        finally
        {
            socket.Dispose();
            await loop.WaitAsync(TestTimeouts.Command);
        }
    }

    [Fact]
    public async Task Without_udp_gating_the_first_datagram_of_a_never_seen_source_is_answered()
    {
        using var net = ServerAndScanner.Create();
        var (socket, loop) = StartEcho(net.Server);
        try
        {
            using var enforcer = net.StartEnforcer(new PortVeilRulesetOptions());
            await enforcer.EnsureTableAsync();
            await enforcer.UpdateServedAsync([new(IpProtocol.Udp, Port)], []);

            Assert.Equal(1, AnsweredOnTry(net.Scanner, tries: 3, wait: TimeSpan.FromSeconds(1)));
        }
        finally
        {
            socket.Dispose();
            await loop.WaitAsync(TestTimeouts.Command);
        }
    }
}
