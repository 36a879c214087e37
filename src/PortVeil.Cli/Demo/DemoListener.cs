using System.Net;
using System.Net.Sockets;
using PortVeil.Enforcement.Interop;

namespace PortVeil.Cli.Demo;

/// <summary>
/// A TCP service for the demo: a socket created on a thread inside a lab namespace, so it listens there and only
/// there; it accepts connections and closes them at once (a scanner only needs the SYN/ACK).
/// </summary>
internal sealed class DemoListener : IDisposable
{
    private readonly Socket _socket;
    private readonly Task _loop;

    private DemoListener(Socket socket)
    {
        _socket = socket;
        _loop = Task.Run(AcceptLoop);
    }

    public static DemoListener Start(string namespacePath, int port)
    {
        var socket = NetworkNamespaceJoin.Run(namespacePath, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.Bind(new IPEndPoint(IPAddress.Any, port));
            s.Listen(64);
            return s;
        });
        return new DemoListener(socket);
    }

    private async Task AcceptLoop()
    {
        while (true)
        {
            try
            {
                using var client = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(2));
    }
}
