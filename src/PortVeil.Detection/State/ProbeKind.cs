namespace PortVeil.Detection.State;

/// <summary>What one probe looked like; a 4-bit vote per kind decides a verdict's scan type.</summary>
internal enum ProbeKind : byte
{
    None = 0,

    /// <summary>SYN without SACK-permitted and window scale: a raw SYN scanner.</summary>
    RawSyn = 1,

    /// <summary>SYN with an ordinary OS option set: connect() by the OS stack.</summary>
    OsSyn = 2,
    Fin = 3,
    Null = 4,
    Xmas = 5,
    Maimon = 6,
    Ack = 7,
    SynFin = 8,
    OddFlags = 9,
    Udp = 10,
    Sctp = 11,
    IpProtocol = 12,

    /// <summary>ICMP echo request: neutral for TRW (a ping is benign), counted for ping sweeps.</summary>
    Ping = 13,

    /// <summary>ICMP timestamp, address mask or information request: host discovery.</summary>
    IcmpQuery = 14,
}
