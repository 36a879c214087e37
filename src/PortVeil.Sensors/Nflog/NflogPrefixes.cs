using PortVeil.Core;

namespace PortVeil.Sensors.Nflog;

/// <summary>
/// The contract between PortVeil's nftables table and this sensor: every rule in `table inet portveil` that
/// NFLOGs a packet sets one of these prefixes (`log group G prefix "pv:unserved"`), and the sensor turns it into
/// the packet's <see cref="PacketTag"/>. Prefixes are compared byte for byte; the kernel's trailing NUL and any
/// trailing spaces are ignored. A prefix that is not ours (another tool sharing the group) gives
/// <see cref="PacketTag.None"/>.
/// </summary>
public static class NflogPrefixes
{
    /// <summary>Opener (new connection attempt) to a port nothing serves; the packet is then dropped without RST.</summary>
    public const string Unserved = "pv:unserved";

    /// <summary>Opener to a served port from a source not yet known (TRW needs the successes too).</summary>
    public const string Served = "pv:served";

    /// <summary>Opener to a configured tripwire port.</summary>
    public const string Tripwire = "pv:trip";

    /// <summary>A SYN dropped by the raw-scanner fingerprint rule (no SACK-permitted, no window scale).</summary>
    public const string FingerprintDrop = "pv:fp";

    /// <summary>A reply from the protected host (SYN/ACK, RST, ICMP unreachable) on the output hook.</summary>
    public const string Reply = "pv:reply";

    /// <summary>A first SYN held back by first-contact gating.</summary>
    public const string Gated = "pv:gated";

    /// <summary>A stealth probe (NULL, FIN, XMAS, Maimon, odd flags) conntrack calls invalid, logged at a bounded rate before its drop.</summary>
    public const string Stealth = "pv:stealth";

    /// <summary>Maps an NFULA_PREFIX value (NUL-terminated as the kernel sends it) to a tag; never allocates.</summary>
    public static PacketTag ToTag(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.Length;
        while (end > 0 && (prefix[end - 1] == 0 || prefix[end - 1] == (byte)' '))
        {
            end--;
        }

        var p = prefix[..end];
        if (p.Length < 4 || !p.StartsWith("pv:"u8))
        {
            return PacketTag.None;
        }

        if (p.SequenceEqual("pv:unserved"u8))
        {
            return PacketTag.Unserved;
        }

        if (p.SequenceEqual("pv:served"u8))
        {
            return PacketTag.Served;
        }

        if (p.SequenceEqual("pv:trip"u8))
        {
            return PacketTag.Tripwire;
        }

        if (p.SequenceEqual("pv:fp"u8))
        {
            return PacketTag.FingerprintDrop;
        }

        if (p.SequenceEqual("pv:reply"u8))
        {
            return PacketTag.Reply;
        }

        if (p.SequenceEqual("pv:gated"u8))
        {
            return PacketTag.Gated;
        }

        return p.SequenceEqual("pv:stealth"u8) ? PacketTag.Stealth : PacketTag.None;
    }
}
