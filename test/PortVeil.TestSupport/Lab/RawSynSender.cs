using System.Net;
using System.Net.Sockets;

namespace PortVeil.TestSupport.Lab;

/// <summary>
/// A one-process SYN generator, IPv4 and IPv6: two raw sockets (IPPROTO_RAW, so the kernel takes our IP header,
/// forged source included) opened inside a lab host's namespace, sending <see cref="SynPacket"/>s. One process and
/// no fork per source, so thousands of spoofed sources do not compete with the code under test for the machine's
/// 2 cores (one hping3 process per source did).
/// </summary>
/// <remarks>
/// The sockets are created on a thread that joined the lab namespace and stay bound to it from any thread, so every
/// packet leaves through that namespace's veth and never reaches the host's network. Sources and destinations are
/// checked against <see cref="DocumentationRanges"/> on every packet; one sender sends at most
/// <see cref="MaxPackets"/> in its lifetime, so no loop can turn it into an unbounded flood. Callers pace and time-bound
/// their own loops (a flood runs as fast as the kernel takes packets; a ban-path probe sleeps between SYNs).
/// </remarks>
public sealed class RawSynSender : IDisposable
{
    /// <summary>Upper bound on the packets (sent or refused) one sender will ever try: 2 million, twice the largest flood a test sends.</summary>
    public const int MaxPackets = 2_000_000;

    private readonly Socket _v4;
    private readonly Socket _v6;
    private readonly byte[] _packet = new byte[SynPacket.MaxLength];
    private readonly Dictionary<IPAddress, IPEndPoint> _endpoints = [];
    private long _sent;
    private long _failed;

    private RawSynSender(Socket v4, Socket v6)
    {
        _v4 = v4;
        _v6 = v6;
    }

    /// <summary>Packets handed to the kernel so far.</summary>
    public long Sent => _sent;

    /// <summary>Sends the kernel refused (ENOBUFS when the veth queue is full): counted, not thrown.</summary>
    public long Failed => _failed;

    /// <summary>Opens both raw sockets inside <paramref name="host"/>'s namespace (needs CAP_NET_RAW there).</summary>
    public static RawSynSender Open(LabHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.RunInside(() =>
        {
            var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw);
            try
            {
                var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.Raw);
                return new RawSynSender(v4, v6);
            }
            catch
            {
                v4.Dispose();
                throw;
            }
        });
    }

    /// <summary>
    /// Sends one SYN "from" <paramref name="source"/> (any documentation address, spoofed or real) with a raw
    /// scanner's options, or a Linux client's with <paramref name="clientOptions"/>; false when the kernel refused
    /// it (counted in <see cref="Failed"/>). The IPv4 identification is the sender's packet count, as a stack's would be.
    /// </summary>
    public bool Send(IPAddress source, IPAddress target, ushort sourcePort, ushort targetPort, uint sequence, bool clientOptions = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        var attempts = _sent + _failed;
        if (attempts >= MaxPackets)
        {
            throw new InvalidOperationException($"this sender already sent its bound of {MaxPackets} packets");
        }

        var length = SynPacket.Write(_packet, source, target, sourcePort, targetPort, sequence, (ushort)attempts, clientOptions);
        if (!_endpoints.TryGetValue(target, out var endpoint))
        {
            endpoint = new IPEndPoint(target, 0);
            _endpoints[target] = endpoint;
        }

        var socket = target.AddressFamily == AddressFamily.InterNetworkV6 ? _v6 : _v4;
        try
        {
            socket.SendTo(_packet, 0, length, SocketFlags.None, endpoint);
            _sent++;
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.NoBufferSpaceAvailable or SocketError.WouldBlock)
        {
            _failed++;
            return false;
        }
    }

    public void Dispose()
    {
        _v4.Dispose();
        _v6.Dispose();
    }
}
