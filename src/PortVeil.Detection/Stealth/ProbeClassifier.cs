using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.State;

namespace PortVeil.Detection.Stealth;

/// <summary>Sorts inbound TCP flag combinations into probe kinds, following what real stacks can and cannot send.</summary>
internal static class ProbeClassifier
{
    private const TcpFlags Relevant = TcpFlags.Fin | TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Psh | TcpFlags.Ack | TcpFlags.Urg;

    /// <summary>
    /// Kind of an inbound TCP segment. <see cref="ProbeKind.None"/> means "not a probe by its flags alone" (RST,
    /// SYN/ACK, ACK with data). Pure ACK and FIN/ACK come back as Ack/Maimon; the caller decides whether they count
    /// (only on unserved ports: late FIN/ACKs after conntrack expiry are everyday traffic on served ports).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ProbeKind ClassifyTcp(TcpFlags flags, bool osOptions)
    {
        var f = flags & Relevant;
        if ((f & TcpFlags.Syn) != 0)
        {
            if ((f & TcpFlags.Ack) != 0)
            {
                return ProbeKind.None;
            }

            if ((f & TcpFlags.Fin) != 0)
            {
                return ProbeKind.SynFin;
            }

            if ((f & TcpFlags.Rst) != 0)
            {
                return ProbeKind.OddFlags;
            }

            return osOptions ? ProbeKind.OsSyn : ProbeKind.RawSyn;
        }

        if ((f & TcpFlags.Rst) != 0)
        {
            return ProbeKind.None;
        }

        if ((f & TcpFlags.Ack) == 0)
        {
            // After the SYN every segment of a real connection carries ACK: these never occur legitimately.
            return f switch
            {
                TcpFlags.None => ProbeKind.Null,
                TcpFlags.Fin => ProbeKind.Fin,
                TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg => ProbeKind.Xmas,
                _ => ProbeKind.OddFlags,
            };
        }

        return f switch
        {
            TcpFlags.Ack => ProbeKind.Ack,
            TcpFlags.Ack | TcpFlags.Fin => ProbeKind.Maimon,
            _ => ProbeKind.None,
        };
    }

    /// <summary>NULL, FIN, XMAS, SYN+FIN and odd combinations: no real stack sends them.</summary>
    public static bool IsNeverLegitimate(ProbeKind kind) =>
        kind is ProbeKind.Null or ProbeKind.Fin or ProbeKind.Xmas or ProbeKind.SynFin or ProbeKind.OddFlags;

    public static ScanKind ToScanKind(ProbeKind kind) => kind switch
    {
        ProbeKind.RawSyn => ScanKind.Syn,
        ProbeKind.OsSyn => ScanKind.Connect,
        ProbeKind.Fin => ScanKind.Fin,
        ProbeKind.Null => ScanKind.Null,
        ProbeKind.Xmas => ScanKind.Xmas,
        ProbeKind.Maimon => ScanKind.Maimon,
        ProbeKind.Ack => ScanKind.Ack,
        ProbeKind.SynFin => ScanKind.SynFin,
        ProbeKind.OddFlags => ScanKind.OddFlags,
        ProbeKind.Udp => ScanKind.Udp,
        ProbeKind.Sctp => ScanKind.Sctp,
        ProbeKind.IpProtocol => ScanKind.IpProtocol,
        ProbeKind.Ping or ProbeKind.IcmpQuery => ScanKind.PingSweep,
        _ => ScanKind.Unknown,
    };
}
