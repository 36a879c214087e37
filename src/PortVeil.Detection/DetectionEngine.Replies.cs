using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.State;

namespace PortVeil.Detection;

/// <summary>
/// The host's replies settle what a probe found: SYN/ACK or a UDP answer means open (a guessed failure becomes a
/// success and the port joins the source's exposure); RST or ICMP port-unreachable means closed.
/// </summary>
public sealed partial class DetectionEngine
{
    private void HandleReply(in PacketEvent packet, long now)
    {
        var remote = packet.Destination;
        var localPort = packet.SourcePort;
        switch (packet.Protocol)
        {
            case IpProtocol.Tcp:
                var flags = packet.Flags;
                if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack))
                {
                    Served.MarkSeen(IpProtocol.Tcp, localPort);
                    Settle(remote, localPort, open: true, answeredTcp: true, now);
                }
                else if ((flags & TcpFlags.Rst) != 0)
                {
                    Settle(remote, localPort, open: false, answeredTcp: false, now);
                }
                else if ((flags & TcpFlags.Syn) == 0 && localPort < _options.EphemeralPortStart)
                {
                    // Established traffic from a service port: the port is served (a capture that started
                    // mid-connection never saw the SYN/ACK).
                    Served.MarkSeen(IpProtocol.Tcp, localPort);
                    Settle(remote, localPort, open: true, answeredTcp: false, now);
                }

                break;
            case IpProtocol.Udp:
            case IpProtocol.UdpLite:
            case IpProtocol.Sctp:
                // Learn only from answers to a source we track: the host's own outgoing queries say nothing.
                if (Settle(remote, localPort, open: true, answeredTcp: false, now))
                {
                    Served.MarkSeen(packet.Protocol, localPort);
                }

                break;
            case IpProtocol.Icmp:
            case IpProtocol.IcmpV6:
                var unreachable = packet.Protocol == IpProtocol.Icmp
                    ? packet.IcmpType == 3 && packet.IcmpCode == 3
                    : packet.IcmpType == 1 && packet.IcmpCode == 4;
                if (unreachable && packet.QuotedProtocol is IpProtocol.Udp or IpProtocol.UdpLite)
                {
                    Settle(remote, packet.QuotedDestinationPort, open: false, answeredTcp: false, now);
                }

                break;
        }
    }

    /// <summary>Applies a reply's outcome to the remote's address entry (and its /64); true when a probe matched.</summary>
    private bool Settle(NetAddress remote, ushort port, bool open, bool answeredTcp, long now)
    {
        if (remote.IsLoopbackOrUnspecified)
        {
            return false;
        }

        var key = SourceKey.ForAddress(remote);
        var matched = SettleEntry(in key, port, open, answeredTcp, now);
        if (!remote.IsIPv4)
        {
            var prefix = SourceKey.ForPrefix64(remote);
            matched |= SettleEntry(in prefix, port, open, answeredTcp, now);
        }

        return matched;
    }

    private bool SettleEntry(in SourceKey key, ushort port, bool open, bool answeredTcp, long now)
    {
        ref var s = ref _table.Find(in key, now);
        if (Unsafe.IsNullRef(ref s))
        {
            return false;
        }

        if (answeredTcp)
        {
            s.Bits |= StateBits.AnsweredTcp;
        }

        // Newest unconfirmed slot for this port first (a sweep probes one port on many hosts).
        var slot = -1;
        for (var n = 1; n <= s.RingFill; n++)
        {
            var i = (s.RingNext - n + PortRing.Length) % PortRing.Length;
            if (s.Ports[i] == port)
            {
                if ((s.ConfirmedMask & (1 << i)) == 0)
                {
                    slot = i;
                    break;
                }

                if (slot < 0)
                {
                    slot = i;
                }
            }
        }

        if (slot < 0)
        {
            return false;
        }

        var bit = (ushort)(1 << slot);
        if ((s.ConfirmedMask & bit) != 0 || s.Has(StateBits.VerdictEmitted))
        {
            return true;
        }

        var wasFailure = (s.FailMask & bit) != 0;
        s.ConfirmedMask |= bit;
        if (open)
        {
            if (wasFailure)
            {
                s.FailMask &= (ushort)~bit;
                s.Failures--;
                s.Successes++;
                s.Trw = Math.Max(_trwLower, s.Trw - _failStep + _successStep);
            }

            AddOpen(ref s, port);
            return true;
        }

        if (!wasFailure)
        {
            s.FailMask |= bit;
            s.Successes--;
            s.Failures++;
            s.Trw = s.Trw - _successStep + _failStep;
            RemoveOpen(ref s, port);
            Evaluate(ref s, in key, now);
        }

        return true;
    }

    /// <summary>Non-probe TCP from a tracked source: an ACK after our SYN/ACK completes a handshake, a RST reacts to it.</summary>
    private void HandleTcpFollowUp(in PacketEvent packet, long now)
    {
        var key = SourceKey.ForAddress(packet.Source);
        ref var s = ref _table.Find(in key, now);
        if (Unsafe.IsNullRef(ref s) || !s.Has(StateBits.AnsweredTcp))
        {
            return;
        }

        var flags = packet.Flags;
        var wasVerified = s.Has(StateBits.Verified);
        if ((flags & TcpFlags.Rst) != 0)
        {
            // Its stack answered our SYN/ACK with a reset: the address is real (nmap -sS, masscan, hping3 all do this).
            s.Bits |= StateBits.Verified;
        }
        else if ((flags & (TcpFlags.Ack | TcpFlags.Syn)) == TcpFlags.Ack)
        {
            if (!s.Has(StateBits.Handshake))
            {
                OnHandshake(ref s, in key, now);
            }

            s.Bits |= StateBits.Verified | StateBits.Handshake;
        }

        if (!wasVerified && s.Has(StateBits.Verified) && s.Has(StateBits.Tripwire))
        {
            Evaluate(ref s, in key, now);
        }
    }
}
