namespace PortVeil.Sensors.Decoding;

/// <summary>What a link-layer frame held.</summary>
public enum LinkDecodeResult : byte
{
    /// <summary>An IPv4 or IPv6 packet, returned as a span.</summary>
    Ip = 0,

    /// <summary>Something else (ARP, LLDP, STP, …): skipped and counted, not an error.</summary>
    NonIp = 1,

    /// <summary>The frame is too short for its own link header, or its TLVs are broken: an error.</summary>
    Malformed = 2,

    /// <summary>The link type is not one PortVeil reads.</summary>
    UnsupportedLinkType = 3,
}
