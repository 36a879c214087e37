using System.Runtime.CompilerServices;
using PortVeil.Core;

namespace PortVeil.Detection;

/// <summary>
/// Which (protocol, port) pairs the protected host serves: one 8 KiB bitmap per protocol (TCP, UDP, SCTP) for ports
/// marked by configuration or live discovery, and one for ports seen served in the traffic itself (a SYN/ACK or a
/// UDP answer). A probe to either counts as a success.
/// </summary>
public sealed class ServedPortSet
{
    private const int Words = 65_536 / 64;

    // Index 0 TCP, 1 UDP (and UDP-Lite), 2 SCTP; marked first, seen second.
    private readonly ulong[] _marked = new ulong[3 * Words];
    private readonly ulong[] _seen = new ulong[3 * Words];

    /// <summary>Marks a port as served (configuration, --served, listening socket found).</summary>
    public void Mark(IpProtocol protocol, ushort port) => Set(_marked, Index(protocol), port);

    /// <summary>Forgets a port in both bitmaps (the service stopped).</summary>
    public void Unmark(IpProtocol protocol, ushort port)
    {
        var p = Index(protocol);
        if (p < 0)
        {
            return;
        }

        var bit = 1UL << (port & 63);
        _marked[(p * Words) + (port >> 6)] &= ~bit;
        _seen[(p * Words) + (port >> 6)] &= ~bit;
    }

    /// <summary>True when the port was marked or seen served.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsServed(IpProtocol protocol, ushort port)
    {
        var p = Index(protocol);
        if (p < 0)
        {
            return false;
        }

        var i = (p * Words) + (port >> 6);
        return ((_marked[i] | _seen[i]) & (1UL << (port & 63))) != 0;
    }

    /// <summary>True when the port was seen served in the traffic (learned, not configured).</summary>
    public bool IsSeenServed(IpProtocol protocol, ushort port)
    {
        var p = Index(protocol);
        return p >= 0 && (_seen[(p * Words) + (port >> 6)] & (1UL << (port & 63))) != 0;
    }

    /// <summary>True when the port was marked by configuration or discovery.</summary>
    public bool IsMarked(IpProtocol protocol, ushort port)
    {
        var p = Index(protocol);
        return p >= 0 && (_marked[(p * Words) + (port >> 6)] & (1UL << (port & 63))) != 0;
    }

    /// <summary>Records a port the host answered on (SYN/ACK, UDP reply, SCTP INIT-ACK).</summary>
    internal void MarkSeen(IpProtocol protocol, ushort port) => Set(_seen, Index(protocol), port);

    private static void Set(ulong[] bits, int p, ushort port)
    {
        if (p >= 0)
        {
            bits[(p * Words) + (port >> 6)] |= 1UL << (port & 63);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Index(IpProtocol protocol) => protocol switch
    {
        IpProtocol.Tcp => 0,
        IpProtocol.Udp or IpProtocol.UdpLite => 1,
        IpProtocol.Sctp => 2,
        _ => -1,
    };
}
