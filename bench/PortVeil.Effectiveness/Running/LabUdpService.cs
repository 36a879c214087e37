using System.Net;
using System.Net.Sockets;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Running;

/// <summary>
/// A UDP service inside a lab host: a .NET socket created inside the namespace (so it is bound there, on all IPv4
/// and IPv6 addresses), answering each datagram with <c>answer(request)</c> (null: no answer) until disposed or
/// until <see cref="MaxAnswers"/> answers.
/// </summary>
internal sealed class LabUdpService : IDisposable
{
    /// <summary>Bounds the loop: a top-50 UDP scan with retries sends a few hundred datagrams, guests a few hundred more.</summary>
    public const int MaxAnswers = 100_000;

    // DNS over UDP without EDNS is at most 512 bytes; NTP is 48. A larger datagram is not one of ours.
    private const int MaxDatagram = 512;

    private readonly Socket _socket;
    private readonly Func<byte[], byte[]?> _answer;
    private readonly Task _loop;
    private int _answered;

    private LabUdpService(Socket socket, int port, Func<byte[], byte[]?> answer)
    {
        _socket = socket;
        _answer = answer;
        Port = port;
        _loop = Task.Run(Loop);
    }

    public int Port { get; }

    /// <summary>Datagrams answered so far.</summary>
    public int Answered => Volatile.Read(ref _answered);

    public static LabUdpService Start(LabHost host, int port, Func<byte[], byte[]?> answer)
    {
        ArgumentNullException.ThrowIfNull(host);
        var socket = host.RunInside(() =>
        {
            var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
            s.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            return s;
        });
        return new LabUdpService(socket, port, answer);
    }

    private async Task Loop()
    {
        var buffer = new byte[MaxDatagram + 1];
        EndPoint any = new IPEndPoint(IPAddress.IPv6Any, 0);
        while (Answered < MaxAnswers)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            if (received.ReceivedBytes > MaxDatagram)
            {
                continue;
            }

            var reply = _answer(buffer.AsSpan(0, received.ReceivedBytes).ToArray());
            if (reply is null)
            {
                continue;
            }

            try
            {
                await _socket.SendToAsync(reply, SocketFlags.None, received.RemoteEndPoint);
                Interlocked.Increment(ref _answered);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The client's port vanished (ICMP error reported on the socket) or we are stopping.
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
