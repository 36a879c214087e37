using System.Globalization;
using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.Distributed;
using PortVeil.Detection.State;

namespace PortVeil.Detection;

/// <summary>
/// Distributed scans: sources grouped by /24 (IPv4), /64 (IPv6) and tool fingerprint. When enough members with
/// failures together touched enough distinct closed ports, every failing member gets its own verdict.
/// </summary>
public sealed partial class DetectionEngine
{
    private void OnGroupFailure(in PacketEvent packet, ref SourceState s, ushort port, long now)
    {
        var source = packet.Source;
        if (source.IsIPv4)
        {
            var prefix = source.V4 & 0xFFFF_FF00u;
            JoinGroup(GroupKind.Prefix24, 0, prefix, source, port, now);
        }
        else
        {
            JoinGroup(GroupKind.Prefix64, source.High, 0, source, port, now);
        }

        if (s.Tool is not ScannerTool.Unknown && !s.Has(StateBits.VerdictEmitted))
        {
            JoinGroup(GroupKind.Fingerprint, 0, (ulong)s.Tool, source, port, now);
        }
    }

    private void JoinGroup(GroupKind kind, ulong keyHigh, ulong keyLow, NetAddress source, ushort port, long now)
    {
        ref var g = ref _groups.GetOrAdd(kind, keyHigh, keyLow, now);
        g.LastSeenNs = now;
        var changed = false;
        var bit = Mix(port) & 255;
        ref var word = ref g.ClosedPorts[(int)(bit >> 6)];
        if ((word & (1UL << (int)(bit & 63))) == 0)
        {
            word |= 1UL << (int)(bit & 63);
            changed = true;
        }

        var member = false;
        for (var i = 0; i < g.MemberCount; i++)
        {
            if (g.Members[i] == source)
            {
                member = true;
                break;
            }
        }

        if (!member && g.MemberCount < MemberList.Length)
        {
            g.Members[g.MemberCount++] = source;
            changed = true;
        }

        if (g.Flagged)
        {
            // The campaign is known: a newly failing member is flagged at once.
            FlagMember(ref g, source, now);
            return;
        }

        if (changed && g.MemberCount >= _options.DistributedMinSources)
        {
            EvaluateGroup(ref g, now);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EvaluateGroup(ref GroupState g, long now)
    {
        var ports = g.ClosedPortEstimate;
        if (ports < _options.DistributedMinClosedPorts)
        {
            return;
        }

        // Count members that still look like scanners (TRW above zero): a NAT full of guests with one typo each
        // recovers with its successes and does not count.
        var active = 0;
        for (var i = 0; i < g.MemberCount; i++)
        {
            var key = SourceKey.ForAddress(g.Members[i]);
            ref var m = ref _table.Find(in key, now);
            if (!Unsafe.IsNullRef(ref m) && (m.Trw > 0 || m.Has(StateBits.VerdictEmitted)))
            {
                active++;
            }
        }

        if (active < _options.DistributedMinSources)
        {
            return;
        }

        g.Flagged = true;
        for (var i = 0; i < g.MemberCount; i++)
        {
            FlagMember(ref g, g.Members[i], now);
        }
    }

    private void FlagMember(ref GroupState g, NetAddress member, long now)
    {
        var key = SourceKey.ForAddress(member);
        ref var m = ref _table.Find(in key, now);
        if (Unsafe.IsNullRef(ref m) || m.Has(StateBits.VerdictEmitted) || m.Trw <= 0 || g.VerdictsEmitted >= _options.GroupVerdictBudget)
        {
            return;
        }

        // One weak (single unverified probe) verdict per source is enough until it probes again.
        if (m.Has(StateBits.WeakVerdict) && m.Probes < 2 && !m.Has(StateBits.Verified))
        {
            return;
        }

        // A guest in the same /24 with one typo has an ordinary OS SYN: membership needs a scanner fingerprint
        // (raw SYN, nmap, masscan, …) or a second failure.
        if (m.Tool == ScannerTool.Unknown && m.Failures < 2)
        {
            return;
        }

        if (!member.IsIPv4)
        {
            // The scanner's /64 entry already spoke for all of its addresses.
            var prefix = SourceKey.ForPrefix64(member);
            ref var p = ref _table.Find(in prefix, now);
            if (!Unsafe.IsNullRef(ref p) && p.Has(StateBits.VerdictEmitted))
            {
                return;
            }
        }

        g.VerdictsEmitted++;
        var listed = false;
        for (var i = 0; i < g.MemberCount; i++)
        {
            listed |= g.Members[i] == member;
        }

        // Members beyond the 16 kept are still named in their own verdict.
        var members = new NetAddress[g.MemberCount + (listed ? 0 : 1)];
        for (var i = 0; i < g.MemberCount; i++)
        {
            members[i] = g.Members[i];
        }

        if (!listed)
        {
            members[^1] = member;
        }

        var ports = g.ClosedPortEstimate;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Distributed: {g.MemberCount} sources of {g.Describe()} with failures touched about {ports} distinct closed ports together ≥ {_options.DistributedMinClosedPorts} (≥ {_options.DistributedMinSources} sources); this one made {m.Failures} failed first contacts.");
        Emit(ref m, in key, DetectorKind.Distributed, ports, _options.DistributedMinClosedPorts, now, members, summary);

        // A verdict on one probe from an unverified address is evidence, but policy never bans on it (one SYN is
        // trivially spoofed). Keep the source open for a second verdict at its next probe, which policy can act
        // on; otherwise this weak verdict would silence the stronger per-source ones for good.
        if (m.Probes < 2 && !m.Has(StateBits.Verified))
        {
            m.Bits = (m.Bits & ~StateBits.VerdictEmitted) | StateBits.WeakVerdict;
        }
    }
}
