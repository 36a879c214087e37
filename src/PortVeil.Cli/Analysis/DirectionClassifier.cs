using PortVeil.Core;

namespace PortVeil.Cli.Analysis;

/// <summary>
/// Decides, for a capture taken on the protected host, which packets are inbound and which are the host's replies.
/// Pinned local addresses (--local) always win; otherwise it learns online: an address that sends a reply
/// (SYN/ACK, RST, ICMP unreachable or echo reply) and never opened a connection itself is local, and the
/// destination of an opener (pure SYN, ICMP echo request) is local.
/// </summary>
/// <remarks>
/// Learning online keeps analyze single-pass. It errs towards "inbound", which only costs a missed exposure, never
/// a false scanner: a reply mistaken for a probe would come from the host's own address.
/// </remarks>
internal sealed class DirectionClassifier
{
    private readonly HashSet<NetAddress> _local = [];
    private readonly HashSet<NetAddress> _openers = [];
    private readonly bool _pinned;

    public DirectionClassifier(IEnumerable<NetAddress> pinnedLocal)
    {
        foreach (var a in pinnedLocal)
        {
            _local.Add(a);
        }

        _pinned = _local.Count > 0;
    }

    public IReadOnlyCollection<NetAddress> LocalAddresses => _local;

    public void Classify(ref PacketEvent packet)
    {
        if (packet.Direction != PacketDirection.Unknown)
        {
            // Kernel log lines and NFLOG say which way the packet went; trust them, and learn the host from them.
            if (!_pinned && packet.Direction == PacketDirection.Inbound)
            {
                _local.Add(packet.Destination);
            }

            return;
        }

        if (_local.Contains(packet.Source))
        {
            packet.Direction = PacketDirection.Outbound;
            return;
        }

        if (_local.Contains(packet.Destination))
        {
            packet.Direction = PacketDirection.Inbound;
            return;
        }

        if (_pinned)
        {
            // Traffic between two other hosts (a bridge capture): judged as if aimed at its destination.
            packet.Direction = PacketDirection.Inbound;
            return;
        }

        if (IsOpener(packet))
        {
            _openers.Add(packet.Source);
            if (!_openers.Contains(packet.Destination))
            {
                _local.Add(packet.Destination);
            }

            packet.Direction = PacketDirection.Inbound;
        }
        else if (IsReply(packet) && !_openers.Contains(packet.Source))
        {
            _local.Add(packet.Source);
            packet.Direction = PacketDirection.Outbound;
        }
        else
        {
            packet.Direction = PacketDirection.Inbound;
        }
    }

    private static bool IsOpener(in PacketEvent p) =>
        p.IsTcpSyn ||
        (p.Protocol == IpProtocol.Icmp && p.IcmpType is 8 or 13 or 17) ||
        (p.Protocol == IpProtocol.IcmpV6 && p.IcmpType == 128);

    private static bool IsReply(in PacketEvent p) =>
        (p.Protocol == IpProtocol.Tcp && ((p.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack) || (p.Flags & TcpFlags.Rst) != 0)) ||
        (p.Protocol == IpProtocol.Icmp && p.IcmpType is 0 or 3 or 14 or 18) ||
        (p.Protocol == IpProtocol.IcmpV6 && p.IcmpType is 1 or 129);
}
