namespace PortVeil.Sensors.Decoding;

/// <summary>pcap/pcapng link-layer header types (tcpdump.org/linktypes.html) that PortVeil can read.</summary>
public enum LinkType : uint
{
    /// <summary>BSD loopback: a 4-byte address family in the capturing host's byte order.</summary>
    Null = 0,
    Ethernet = 1,

    /// <summary>DLT_RAW as most systems number it in old files.</summary>
    RawDlt12 = 12,

    /// <summary>DLT_RAW as OpenBSD numbers it.</summary>
    RawDlt14 = 14,
    Raw = 101,

    /// <summary>OpenBSD loopback: like <see cref="Null"/> but the family is big-endian.</summary>
    Loop = 108,

    /// <summary>Linux cooked capture v1 ("any" interface), 16-byte header.</summary>
    LinuxSll = 113,
    IPv4 = 228,
    IPv6 = 229,

    /// <summary>Linux NFLOG: an nflog header and TLVs, the packet in NFULA_PAYLOAD.</summary>
    Nflog = 239,

    /// <summary>Linux cooked capture v2, 20-byte header.</summary>
    LinuxSll2 = 276,
}
