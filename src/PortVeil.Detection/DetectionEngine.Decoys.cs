using System.Globalization;
using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.State;

namespace PortVeil.Detection;

/// <summary>
/// Decoy cohorts (nmap -D): several unverified sources whose probes hit the same host and port within milliseconds of
/// each other, at least <see cref="DetectionOptions.DecoyMinPorts"/> times. All but one of them are forged, and
/// nothing in the packets says which (nmap randomises the TTL per packet), so their verdicts are marked
/// <see cref="Verdict.DecoyCohort"/> and name the other members; policy restricts instead of banning.
/// </summary>
public sealed partial class DetectionEngine
{
    /// <summary>Counts a first contact of an unverified address towards decoy cohorts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RecordCoincidence(in PacketEvent packet, ref SourceState s, ProbeKind kind, ushort port, long now)
    {
        // nmap sends decoys only with raw probes (-sS, -sF/-sN/-sX, -sA, -sU, …; never -sT): an OS stack's SYN is
        // never a decoy copy, which keeps guests' connections out of the comparison altogether.
        if (_cohorts is null || s.Has(StateBits.Handshake) || kind is ProbeKind.OsSyn or ProbeKind.Ping or ProbeKind.IcmpQuery or ProbeKind.IpProtocol)
        {
            return;
        }

        // TCP copies are identical to the bit (source port, sequence number): those may be up to a second apart.
        var identity = packet.Protocol == IpProtocol.Tcp ? Decoys.CohortTable.TcpIdentity(packet.SourcePort, packet.Sequence) : 0;
        _cohorts.Record(packet.Source, packet.Destination.Low ^ packet.Destination.High, port, packet.Window, kind, identity, now);
    }

    /// <summary>
    /// True while a verdict should wait: the source coincided with others, but the cohort has not yet shown
    /// <see cref="DetectionOptions.DecoyMinPorts"/> coincident ports. The first decoy of each burst only learns of
    /// its coincidence when the next one arrives, so its own threshold may be crossed a probe early. Bounded: after
    /// 3 × DecoyMinPorts probes the verdict goes out: a cohort one if the source coincided with a confirmed cohort
    /// (<see cref="CohortOf"/>), else an ordinary one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool DeferForCohort(in SourceState s, in SourceKey key, long now)
    {
        if (_cohorts is null || key.IsPrefix || s.Has(StateBits.Handshake) || s.Probes >= 3 * _options.DecoyMinPorts)
        {
            return false;
        }

        if (!_cohorts.TryFind(key.Address, now, out var cohort, out var hits) || hits == 0)
        {
            return false;
        }

        return !IsCohortMember(cohort, hits);
    }

    private bool IsCohortMember(int cohort, int hits)
    {
        var min = _options.DecoyMinPorts;
        return hits >= min && _cohorts!.Ports(cohort) >= min && _cohorts.CountMembers(cohort, min) >= 2;
    }

    /// <summary>
    /// The cohort's confirmed members when <paramref name="key"/> is one of them (cold path), else null. A source that
    /// coincided with a confirmed cohort but is still short of its own <see cref="DetectionOptions.DecoyMinPorts"/>
    /// when the deferral ends counts as a member too: once the others are restricted the kernel drops their raw
    /// probes before they are logged, so it could never catch up (issue 5: the first decoy, one or two coincidences
    /// short after a stall or a lost copy, got an ordinary verdict at 9 probes, and a ban).
    /// </summary>
    private NetAddress[]? CohortOf(in SourceState s, in SourceKey key, long now)
    {
        if (_cohorts is null || key.IsPrefix || s.Has(StateBits.Handshake)
            || !_cohorts.TryFind(key.Address, now, out var cohort, out var hits) || hits == 0)
        {
            return null;
        }

        var min = _options.DecoyMinPorts;
        if (IsCohortMember(cohort, hits))
        {
            return _cohorts.Members(cohort, min);
        }

        if (s.Probes < 3 * min || _cohorts.Ports(cohort) < min || _cohorts.CountMembers(cohort, min) < 2)
        {
            return null;
        }

        var confirmed = _cohorts.Members(cohort, min);
        var members = new NetAddress[confirmed.Length + 1];
        confirmed.CopyTo(members, 0);
        members[^1] = key.Address;
        return members;
    }

    private string DescribeCohort(NetAddress[] members, long now)
    {
        _cohorts!.TryFind(members[0], now, out var cohort, out _);
        return string.Create(CultureInfo.InvariantCulture,
            $" Decoy cohort: {members.Length} unverified sources ({string.Join(", ", members)}) probed the same {_cohorts.Ports(cohort)}+ ports within {_options.DecoyWindow.TotalMilliseconds:0.#} ms of each other, or with identical TCP copies within 1 s (≥ {_options.DecoyMinPorts}).");
    }

    /// <summary>
    /// A cohort member that completed a handshake is no longer judged as a possible decoy: it leaves the cohort and,
    /// if a cohort verdict silenced it, may earn a new (verified) verdict by probing on from a clean slate.
    /// </summary>
    private void OnHandshake(ref SourceState s, in SourceKey key, long now)
    {
        if (_cohorts is null || !_cohorts.TryFind(key.Address, now, out _, out var hits) || hits == 0)
        {
            return;
        }

        _cohorts.Forget(key.Address);
        if (s.Has(StateBits.VerdictEmitted))
        {
            s.Bits &= ~StateBits.VerdictEmitted;
            s.Stealth = 0;
            s.Failures = 0;
            s.Successes = 0;
            s.Trw = 0;
            s.WindowWeight = 0;
        }
    }
}
