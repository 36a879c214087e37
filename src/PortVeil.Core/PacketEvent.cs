namespace PortVeil.Core;

/// <summary>
/// One packet header as every sensor reports it: live NFLOG, pcap/pcapng replay and kernel LOG lines produce the
/// same struct, so one engine serves them all. Sensors fill it in place; nothing here allocates.
/// </summary>
public struct PacketEvent
{
    /// <summary>Packet time in nanoseconds since the Unix epoch (capture or kernel time; the engine's clock).</summary>
    public long TimestampNs { get; set; }

    public IpFamily Family { get; set; }

    public NetAddress Source { get; set; }

    public NetAddress Destination { get; set; }

    public IpProtocol Protocol { get; set; }

    /// <summary>TCP/UDP/SCTP source port; 0 for other protocols.</summary>
    public ushort SourcePort { get; set; }

    /// <summary>TCP/UDP/SCTP destination port; 0 for other protocols.</summary>
    public ushort DestinationPort { get; set; }

    public TcpFlags Flags { get; set; }

    /// <summary>TCP receive window as sent (unscaled).</summary>
    public ushort Window { get; set; }

    public TcpOptionSummary Options { get; set; }

    /// <summary>IPv4 identification field (16 bits); the IPv6 fragment identification when present, else 0.</summary>
    public uint IpId { get; set; }

    /// <summary>IPv4 TTL or IPv6 hop limit.</summary>
    public byte Ttl { get; set; }

    public uint Sequence { get; set; }

    public uint Acknowledgment { get; set; }

    /// <summary>IP total length (IPv4) or payload length + 40 (IPv6), as on the wire.</summary>
    public ushort Length { get; set; }

    /// <summary>ICMP / ICMPv6 type; 0 otherwise.</summary>
    public byte IcmpType { get; set; }

    /// <summary>ICMP / ICMPv6 code; 0 otherwise.</summary>
    public byte IcmpCode { get; set; }

    /// <summary>
    /// For ICMP errors (destination unreachable, time exceeded): the protocol and destination port of the packet
    /// the error is about, so "UDP port unreachable" can be tied to the probe that caused it.
    /// </summary>
    public IpProtocol QuotedProtocol { get; set; }

    public ushort QuotedSourcePort { get; set; }

    public ushort QuotedDestinationPort { get; set; }

    public PacketDirection Direction { get; set; }

    public PacketTag Tag { get; set; }

    /// <summary>True when this TCP packet opens a connection: SYN without ACK.</summary>
    public readonly bool IsTcpSyn => Protocol == IpProtocol.Tcp && (Flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn;

    /// <summary>True for ICMP (v4 or v6), whose "ports" are type and code.</summary>
    public readonly bool IsIcmp => Protocol is IpProtocol.Icmp or IpProtocol.IcmpV6;

    public readonly bool HasPorts => Protocol is IpProtocol.Tcp or IpProtocol.Udp or IpProtocol.Sctp or IpProtocol.UdpLite;

    public override readonly string ToString() =>
        $"{Source}:{SourcePort} > {Destination}:{DestinationPort} {Protocol} flags={Flags} win={Window} ipid={IpId} ttl={Ttl} seq={Sequence} opt={Options} {Direction}";
}
