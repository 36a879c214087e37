namespace PortVeil.Core;

/// <summary>What the kernel rule that logged the packet already knew (live NFLOG prefix); None offline.</summary>
public enum PacketTag : byte
{
    None = 0,

    /// <summary>Opener to a port nothing listens on.</summary>
    Unserved = 1,

    /// <summary>Opener to a served port from a source not yet known.</summary>
    Served = 2,

    /// <summary>Opener to a configured tripwire port.</summary>
    Tripwire = 3,

    /// <summary>A SYN dropped by the raw-scanner fingerprint rule.</summary>
    FingerprintDrop = 4,

    /// <summary>A reply from the protected host.</summary>
    Reply = 5,

    /// <summary>A first SYN held by first-contact gating.</summary>
    Gated = 6,

    /// <summary>
    /// A TCP segment conntrack calls invalid that carries no SYN, no RST and is not a plain ACK (NULL, FIN, XMAS,
    /// Maimon FIN/ACK, odd flags): logged at a bounded rate just before the invalid drop.
    /// </summary>
    Stealth = 7,
}
