using System.Net;
using System.Net.Sockets;

namespace PortVeil.TestSupport.Lab;

/// <summary>A real TCP connect (the host's own stack: SACK, window scale, timestamps) from inside a lab host.</summary>
public static class LabTcpClient
{
    /// <summary>
    /// Connects from <paramref name="from"/> to <paramref name="address"/>:<paramref name="port"/>; true when the
    /// handshake completed within <paramref name="timeout"/>, false when refused or timed out.
    /// </summary>
    public static bool TryConnect(LabHost from, string address, int port, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(from);
        DocumentationRanges.EnsureAllowed(address);
        var ip = IPAddress.Parse(address);
        return from.RunInside(() =>
        {
            using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                socket.ConnectAsync(new IPEndPoint(ip, port), cts.Token).AsTask().GetAwaiter().GetResult();
                return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return false;
            }
        });
    }
}
