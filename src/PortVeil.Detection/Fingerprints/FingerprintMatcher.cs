using System.Runtime.CompilerServices;
using PortVeil.Core;

namespace PortVeil.Detection.Fingerprints;

/// <summary>
/// Recognises scanner tools from one SYN's header. Evidence only: each match is a fact about a packet that anyone
/// can forge, so it names the tool in a verdict but never makes one.
/// </summary>
internal static class FingerprintMatcher
{
    /// <summary>Strength of each tool's match (higher wins per source): exact arithmetic identities beat window guesses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Strength(ScannerTool tool) => tool switch
    {
        ScannerTool.Masscan => 6,
        ScannerTool.Mirai => 6,
        ScannerTool.Zmap => 5,
        ScannerTool.Nmap => 4,
        ScannerTool.Hping => 3,
        ScannerTool.RawSyn => 1,
        _ => 0,
    };

    /// <summary>Matches a SYN (no ACK) against the known tools.</summary>
    public static ScannerTool Match(in PacketEvent p)
    {
        var options = p.Options;
        if (p.Source.IsIPv4 && p.Destination.IsIPv4)
        {
            var dst = p.Destination.V4;
            // masscan: ip_id = dst ^ dport ^ seq (its SYN cookie folded to 16 bits).
            if (p.IpId == ((dst ^ p.DestinationPort ^ p.Sequence) & 0xFFFF) && p.IpId != 0)
            {
                return ScannerTool.Masscan;
            }

            // Mirai: the sequence number is the target address.
            if (p.Sequence == dst && dst != 0)
            {
                return ScannerTool.Mirai;
            }

            // zmap before 2.x: a fixed IP ID of 54321.
            if (p.IpId == 54321)
            {
                return ScannerTool.Zmap;
            }
        }

        // nmap -sS: window 1024/2048/3072/4096, one option (MSS), 44-byte IPv4 (64-byte IPv6) packet.
        if (p.Window is 1024 or 2048 or 3072 or 4096 && options.Count == 1 && options.KindAt(0) == TcpOptionKind.Mss &&
            (p.Length == 0 || p.Length == (p.Source.IsIPv4 ? 44 : 64)))
        {
            return ScannerTool.Nmap;
        }

        // hping3 -S default: window 512, no options.
        if (p.Window == 512 && options.Count == 0)
        {
            return ScannerTool.Hping;
        }

        // Every modern OS offers SACK and window scale in its SYN; a raw packet crafter does not.
        if (!options.SackPermitted && !options.HasWindowScale && !options.Malformed)
        {
            return ScannerTool.RawSyn;
        }

        return ScannerTool.Unknown;
    }

    /// <summary>One line naming what matched, for the evidence.</summary>
    public static string? Describe(ScannerTool tool, ushort window, ushort mss) => tool switch
    {
        ScannerTool.Masscan => "IP-ID = (destination ^ port ^ sequence) & 0xFFFF (masscan)",
        ScannerTool.Mirai => "TCP sequence number = destination address (Mirai)",
        ScannerTool.Zmap => "IP-ID 54321 (legacy zmap)",
        ScannerTool.Nmap => $"window {window}, lone MSS option {mss}, 44-byte SYN (nmap -sS)",
        ScannerTool.Hping => $"window {window}, no TCP options (hping3 default)",
        ScannerTool.RawSyn => $"window {window}, SYN without SACK-permitted or window scale (raw packet, not an OS stack)",
        _ => null,
    };
}
