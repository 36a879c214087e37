using System.Runtime.InteropServices;
using PortVeil.Core;

namespace PortVeil.Detection.State;

/// <summary>
/// Everything the engine remembers about one source (an address, or an IPv6 /64), in exactly 128 bytes so the whole
/// table is one contiguous array: 1 M sources take 128 MB. Fields are ordered largest first so nothing pads.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SourceState
{
    public const int Size = 128;

    public ulong AddressHigh;
    public ulong AddressLow;
    public long FirstSeenNs;
    public long LastSeenNs;

    /// <summary>128-bit Bloom filter (2 hashes) of (destination, protocol, port) first contacts: retransmits don't count twice.</summary>
    public ulong ContactsLow;
    public ulong ContactsHigh;

    /// <summary>64-bit linear-counting sketch of destination hosts (for /64 entries: of member addresses).</summary>
    public ulong HostSketch;

    /// <summary>Sixteen 4-bit saturating votes, one per <see cref="ProbeKind"/>; halved together when one saturates.</summary>
    public ulong KindVotes;

    public PortRing Ports;
    public OpenPortList Open;

    /// <summary>TRW log-likelihood ratio ln Λ, clamped below at ln((1-β)/(1-α)).</summary>
    public float Trw;

    /// <summary>Start of the current threshold window, in ms after <see cref="FirstSeenNs"/>.</summary>
    public int WindowStartMs;

    public ushort WindowWeight;

    /// <summary>Distinct first contacts (saturating).</summary>
    public ushort Probes;

    /// <summary>First contacts counted as failures (closed or unserved).</summary>
    public ushort Failures;

    public ushort Successes;

    /// <summary>Bit i: ring slot i was counted a failure.</summary>
    public ushort FailMask;

    /// <summary>Bit i: ring slot i's outcome was confirmed by a reply or a kernel tag (no more corrections).</summary>
    public ushort ConfirmedMask;

    /// <summary>Window and MSS of the SYN that gave <see cref="Tool"/>, for the evidence text.</summary>
    public ushort FingerprintWindow;
    public ushort FingerprintMss;

    /// <summary>
    /// Gaps between first contacts: low nibble shorter than the threshold window, high nibble longer; both halved
    /// when one saturates, so their majority says whether the median gap is above the window.
    /// </summary>
    public byte Gaps;

    public byte RingNext;

    /// <summary>Ring slots in use (≤ 12).</summary>
    public byte RingFill;
    public byte OpenCount;
    public TcpFlags FlagsSeen;
    public ScannerTool Tool;
    public StateBits Bits;

    /// <summary>Distinct never-legitimate probes (NULL, FIN, XMAS, SYN+FIN, odd flags), saturating.</summary>
    public byte Stealth;

    public readonly SourceKeyKind KeyKind => (SourceKeyKind)((int)(Bits & StateBits.KindMask) - 1);

    public readonly bool InUse => (Bits & StateBits.KindMask) != 0;

    public readonly bool Has(StateBits bit) => (Bits & bit) != 0;
}
