using System.Net;
using System.Net.Sockets;

namespace PortVeil.TestSupport.Lab;

/// <summary>
/// A one-process SYN generator: one raw IPv4 socket (IPPROTO_RAW, so the kernel takes our IP header: spoofed
/// sources) opened inside a lab host's namespace, sending <see cref="SynPacket"/>s. It replaces one hping3
/// process per spoofed source, whose start-up competed with the code under test for the machine's 2 cores.
/// </summary>
/// <remarks>
/// The socket is created on a thread that joined the lab namespace and stays bound to it when used from any
/// thread, so every packet leaves through that namespace's veth and never reaches the host's own network.
/// Every destination and spoofed source is checked against the documentation ranges; the sender refuses more
/// than <see cref="MaxPackets"/> packets in its lifetime, so no loop can turn it into an unbounded flood.
/// </remarks>
public sealed class RawSynSender : IDisposable
{
    /// <summary>Upper bound on packets one sender will ever send.</summary>
    public const int MaxPackets = 1_000_000;

    private readonly Socket _socket;
    private readonly byte[] _packet = new byte[SynPacket.Length];
    private int _sent;

    private RawSynSender(Socket socket) => _socket = socket;

    /// <summary>Packets sent so far.</summary>
    public int Sent => _sent;

    /// <summary>Opens the raw socket inside <paramref name="host"/>'s namespace (needs CAP_NET_RAW there).</summary>
    public static RawSynSender Open(LabHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new RawSynSender(host.RunInside(() => new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw)));
    }

    /// <summary>Sends one SYN "from" <paramref name="source"/> (any documentation address, spoofed or real).</summary>
    public void Send(IPAddress source, IPAddress target, ushort sourcePort, ushort targetPort, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_sent >= MaxPackets)
        {
            throw new InvalidOperationException($"this sender already sent its bound of {MaxPackets} packets");
        }

        SynPacket.Write(_packet, source, target, sourcePort, targetPort, sequence, (ushort)_sent);
        _socket.SendTo(_packet, new IPEndPoint(target, 0));
        _sent++;
    }

    public void Dispose() => _socket.Dispose();
}
