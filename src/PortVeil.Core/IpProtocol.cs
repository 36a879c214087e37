namespace PortVeil.Core;

/// <summary>IANA protocol numbers PortVeil looks at; any other value is kept as its number.</summary>
public enum IpProtocol : byte
{
    Icmp = 1,
    Igmp = 2,
    Tcp = 6,
    Udp = 17,
    Gre = 47,
    Esp = 50,
    IcmpV6 = 58,
    Sctp = 132,
    UdpLite = 136,
}
