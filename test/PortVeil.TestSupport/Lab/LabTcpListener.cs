using System.Net;
using System.Net.Sockets;

namespace PortVeil.TestSupport.Lab;

/// <summary>
/// A TCP service inside a lab host: a .NET socket created inside the namespace (so it listens there), accepting
/// connections on a background task and holding them until disposed. Listens on all IPv4 and IPv6 addresses.
/// </summary>
public sealed class LabTcpListener : IDisposable
{
    private readonly Socket _socket;
    private readonly List<Socket> _accepted = [];
    private readonly Task _acceptLoop;
    private int _acceptedCount;

    private LabTcpListener(Socket socket, int port)
    {
        _socket = socket;
        Port = port;
        _acceptLoop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _acceptedCount);

    public static LabTcpListener Start(LabHost host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        var socket = host.RunInside(() =>
        {
            var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            s.Listen(128);
            return s;
        });
        return new LabTcpListener(socket, port);
    }

    private async Task AcceptLoop()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_accepted)
            {
                _accepted.Add(client);
            }

            Interlocked.Increment(ref _acceptedCount);
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        lock (_accepted)
        {
            foreach (var s in _accepted)
            {
                s.Dispose();
            }
        }
    }
}
