using System.Numerics;
using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.Fingerprints;
using PortVeil.Detection.State;
using PortVeil.Detection.Stealth;

namespace PortVeil.Detection;

/// <summary>First contacts: every detector's state is updated here, then <see cref="Evaluate"/> decides.</summary>
public sealed partial class DetectionEngine
{
    private void OnProbe(in PacketEvent packet, in SourceKey key, ProbeKind kind, ushort port, long now)
    {
        ref var s = ref _table.GetOrAdd(in key, now);
        if (s.Has(StateBits.VerdictEmitted))
        {
            // One verdict per episode: stay quiet, but keep the episode alive while the scan goes on.
            s.LastSeenNs = now;
            return;
        }

        // Distinct (destination, protocol, port) first contacts only: retransmits and repeat visits don't count.
        var contact = Mix(packet.Destination.Low ^ (packet.Destination.High * 0x9E37_79B9_7F4A_7C15UL) ^ ((ulong)packet.Protocol << 16) ^ port);
        var b1 = 1UL << (int)(contact & 63);
        var b2 = 1UL << (int)((contact >> 6) & 63);
        var useHigh = (contact & (1UL << 12)) != 0;
        var useHigh2 = (contact & (1UL << 13)) != 0;
        var seen1 = ((useHigh ? s.ContactsHigh : s.ContactsLow) & b1) != 0;
        var seen2 = ((useHigh2 ? s.ContactsHigh : s.ContactsLow) & b2) != 0;
        if (seen1 && seen2)
        {
            s.LastSeenNs = now;
            return;
        }

        if (useHigh)
        {
            s.ContactsHigh |= b1;
        }
        else
        {
            s.ContactsLow |= b1;
        }

        if (useHigh2)
        {
            s.ContactsHigh |= b2;
        }
        else
        {
            s.ContactsLow |= b2;
        }

        if (s.Probes > 0)
        {
            VoteGap(ref s, now - s.LastSeenNs > _windowNs);
        }

        s.LastSeenNs = now;
        if (s.Probes < ushort.MaxValue)
        {
            s.Probes++;
        }

        if (packet.Protocol == IpProtocol.Tcp)
        {
            s.FlagsSeen |= packet.Flags;
        }

        VoteKind(ref s, kind);
        var sketchOf = key.IsPrefix ? packet.Source.Low : packet.Destination.Low ^ packet.Destination.High;
        s.HostSketch |= 1UL << (int)(Mix(sketchOf) & 63);

        if (kind is ProbeKind.RawSyn or ProbeKind.OsSyn)
        {
            var tool = FingerprintMatcher.Match(in packet);
            if (FingerprintMatcher.Strength(tool) > FingerprintMatcher.Strength(s.Tool))
            {
                s.Tool = tool;
                s.FingerprintWindow = packet.Window;
            }
        }

        if (ProbeClassifier.IsNeverLegitimate(kind) && s.Stealth < byte.MaxValue)
        {
            s.Stealth++;
        }

        if (!key.IsPrefix)
        {
            RecordCoincidence(in packet, ref s, kind, port, now);
        }

        bool failure;
        switch (kind)
        {
            case ProbeKind.Ping:
                // A ping is neutral: monitors ping all day. Only ping sweeps (many hosts) count.
                Evaluate(ref s, in key, now);
                return;
            case ProbeKind.IcmpQuery:
            case ProbeKind.IpProtocol:
                failure = true;
                break;
            default:
                var tag = packet.Tag;
                var confirmed = tag != PacketTag.None && tag != PacketTag.Reply;
                var served = tag switch
                {
                    PacketTag.Served or PacketTag.Gated => true,
                    // A stealth probe was dropped whatever the port: it learned nothing, served or not.
                    PacketTag.Unserved or PacketTag.Tripwire or PacketTag.FingerprintDrop or PacketTag.Stealth => false,
                    _ => Served.IsServed(packet.Protocol, port),
                };
                failure = !served;
                PushPort(ref s, port, failure, confirmed);
                // A gated SYN was dropped: the port is served (no failure) but the source learned nothing yet.
                if (served && tag != PacketTag.Gated)
                {
                    AddOpen(ref s, port);
                }
                else if ((tag == PacketTag.Tripwire || Has(_tripwires, port)) && packet.Protocol is IpProtocol.Tcp or IpProtocol.Udp)
                {
                    s.Bits |= StateBits.Tripwire;
                }

                break;
        }

        var tick = (ushort)(now / SourceState.WindowTickNs);
        if ((ushort)(tick - s.WindowStartTick) > _windowTicks || s.WindowWeight == 0)
        {
            s.WindowStartTick = tick;
            s.WindowWeight = 0;
        }

        var weight = !failure ? _options.OtherPortWeight
            : port < 1024 || Has(_commonPorts, port) ? _options.PrivilegedPortWeight
            : _options.OtherPortWeight;
        s.WindowWeight = (ushort)Math.Min(ushort.MaxValue, s.WindowWeight + weight);

        if (failure)
        {
            if (s.Failures < ushort.MaxValue)
            {
                s.Failures++;
            }

            s.Trw += _failStep;
        }
        else
        {
            if (s.Successes < ushort.MaxValue)
            {
                s.Successes++;
            }

            s.Trw = Math.Max(_trwLower, s.Trw + _successStep);
        }

        Evaluate(ref s, in key, now);
        if (failure && !key.IsPrefix && s.Trw > 0)
        {
            OnGroupFailure(in packet, ref s, port, now);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VoteGap(ref SourceState s, bool slow)
    {
        var fast = s.Gaps & 0x0F;
        var slowCount = s.Gaps >> 4;
        if (slow)
        {
            slowCount++;
        }
        else
        {
            fast++;
        }

        if (fast == 15 || slowCount == 15)
        {
            fast >>= 1;
            slowCount >>= 1;
        }

        s.Gaps = (byte)((slowCount << 4) | fast);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VoteKind(ref SourceState s, ProbeKind kind)
    {
        var shift = 4 * (int)kind;
        var count = (s.KindVotes >> shift) & 0xF;
        if (count == 15)
        {
            // Halve every vote: proportions stay, no counter overflows.
            s.KindVotes = (s.KindVotes >> 1) & 0x7777_7777_7777_7777UL;
        }

        s.KindVotes += 1UL << shift;
    }

    private static void PushPort(ref SourceState s, ushort port, bool failure, bool confirmed)
    {
        int i = s.RingNext;
        s.Ports[i] = port;
        var bit = (ushort)(1 << i);
        s.FailMask = failure ? (ushort)(s.FailMask | bit) : (ushort)(s.FailMask & ~bit);
        s.ConfirmedMask = confirmed ? (ushort)(s.ConfirmedMask | bit) : (ushort)(s.ConfirmedMask & ~bit);
        s.RingNext = (byte)((i + 1) % PortRing.Length);
        if (s.RingFill < PortRing.Length)
        {
            s.RingFill++;
        }
    }

    private static void AddOpen(ref SourceState s, ushort port)
    {
        for (var i = 0; i < s.OpenCount; i++)
        {
            if (s.Open[i] == port)
            {
                return;
            }
        }

        if (s.OpenCount < OpenPortList.Length)
        {
            s.Open[s.OpenCount++] = port;
        }
    }

    private static void RemoveOpen(ref SourceState s, ushort port)
    {
        for (var i = 0; i < s.OpenCount; i++)
        {
            if (s.Open[i] == port)
            {
                s.Open[i] = s.Open[s.OpenCount - 1];
                s.OpenCount--;
                return;
            }
        }
    }

    private static int EstimateHosts(ulong sketch)
    {
        var zeros = 64 - BitOperations.PopCount(sketch);
        return zeros == 0 ? 266 : (int)Math.Round(-64.0 * Math.Log(zeros / 64.0));
    }
}
