using PortVeil.Core;

namespace PortVeil.Detection.Tests.Support;

/// <summary>
/// Builds packet events as the sensors would report them. Times are seconds after a fixed base, so scenarios read
/// like the corpus truth files. The protected host is 203.0.113.10.
/// </summary>
public static class Events
{
    public const long BaseNs = 1_764_088_179_000_000_000; // 2025-11-25T16:29:39Z, like the corpus captures

    public static readonly NetAddress Server = NetAddress.Parse("203.0.113.10");

    public static long At(double seconds) => BaseNs + (long)Math.Round(seconds * 1e9);

    public static NetAddress Ip(string text) => NetAddress.Parse(text);

    public static TcpOptionSummary OptionsOf(SynOptions options)
    {
        var o = TcpOptionSummary.Empty;
        switch (options)
        {
            case SynOptions.Linux:
                o.Append(TcpOptionKind.Mss);
                o.Append(TcpOptionKind.SackPermitted);
                o.Append(TcpOptionKind.Timestamps);
                o.Append(TcpOptionKind.NoOp);
                o.Append(TcpOptionKind.WindowScale);
                o.Mss = 1460;
                o.SackPermitted = true;
                o.Timestamps = true;
                o.WindowScale = 7;
                break;
            case SynOptions.Nmap:
                o.Append(TcpOptionKind.Mss);
                o.Mss = 1460;
                break;
        }

        return o;
    }

    /// <summary>An inbound TCP segment from <paramref name="src"/> to the server (or <paramref name="dst"/>).</summary>
    public static PacketEvent Tcp(string src, ushort dport, double t, TcpFlags flags, ushort window = 64240, SynOptions opts = SynOptions.None,
        string? dst = null, ushort sport = 40_000, uint seq = 1_000, uint ipId = 4242, PacketTag tag = PacketTag.None)
    {
        var source = Ip(src);
        var destination = dst is null ? Server : Ip(dst);
        var options = (flags & TcpFlags.Syn) != 0 ? OptionsOf(opts) : TcpOptionSummary.Empty;
        var optionBytes = options.Count == 0 ? 0 : options.SackPermitted ? 20 : 4;
        return new PacketEvent
        {
            TimestampNs = At(t),
            Family = source.Family,
            Source = source,
            Destination = destination,
            Protocol = IpProtocol.Tcp,
            SourcePort = sport,
            DestinationPort = dport,
            Flags = flags,
            Window = window,
            Options = options,
            IpId = ipId,
            Ttl = 64,
            Sequence = seq,
            Length = (ushort)((source.IsIPv4 ? 40 : 60) + optionBytes),
            Direction = PacketDirection.Inbound,
            Tag = tag,
        };
    }

    /// <summary>A SYN probe. Defaults to a Linux client SYN; <c>window: 1024, opts: SynOptions.Nmap</c> is nmap -sS.</summary>
    public static PacketEvent Syn(string src, ushort dport, double t, ushort window = 64240, SynOptions opts = SynOptions.Linux,
        string? dst = null, ushort sport = 40_000, uint seq = 1_000, uint ipId = 4242, PacketTag tag = PacketTag.None) =>
        Tcp(src, dport, t, TcpFlags.Syn, window, opts, dst, sport, seq, ipId, tag);

    /// <summary>An nmap -sS SYN: window 1024, lone MSS, 44 bytes.</summary>
    public static PacketEvent NmapSyn(string src, ushort dport, double t, string? dst = null, ushort sport = 61_234) =>
        Syn(src, dport, t, window: 1024, opts: SynOptions.Nmap, dst: dst, sport: sport, ipId: (uint)(dport * 7919 % 65_536));

    /// <summary>A reply from the protected host (or <paramref name="from"/>) to <paramref name="to"/>: SYN/ACK, RST/ACK, data.</summary>
    public static PacketEvent Reply(string to, ushort fromPort, double t, TcpFlags flags, string? from = null, ushort toPort = 40_000) => new()
    {
        TimestampNs = At(t),
        Family = Ip(to).Family,
        Source = from is null ? Server : Ip(from),
        Destination = Ip(to),
        Protocol = IpProtocol.Tcp,
        SourcePort = fromPort,
        DestinationPort = toPort,
        Flags = flags,
        Window = 64240,
        Options = TcpOptionSummary.Empty,
        Ttl = 64,
        Length = 40,
        Direction = PacketDirection.Outbound,
    };

    public static PacketEvent SynAck(string to, ushort fromPort, double t, string? from = null, ushort toPort = 40_000) =>
        Reply(to, fromPort, t, TcpFlags.Syn | TcpFlags.Ack, from, toPort);

    public static PacketEvent RstAck(string to, ushort fromPort, double t, string? from = null, ushort toPort = 40_000) =>
        Reply(to, fromPort, t, TcpFlags.Rst | TcpFlags.Ack, from, toPort);

    public static PacketEvent Udp(string src, ushort dport, double t, ushort sport = 50_000, string? dst = null, PacketTag tag = PacketTag.None)
    {
        var source = Ip(src);
        return new PacketEvent
        {
            TimestampNs = At(t),
            Family = source.Family,
            Source = source,
            Destination = dst is null ? Server : Ip(dst),
            Protocol = IpProtocol.Udp,
            SourcePort = sport,
            DestinationPort = dport,
            Options = TcpOptionSummary.Empty,
            Ttl = 64,
            Length = 28,
            Direction = PacketDirection.Inbound,
            Tag = tag,
        };
    }

    /// <summary>The host answering a UDP probe from its port <paramref name="fromPort"/>.</summary>
    public static PacketEvent UdpReply(string to, ushort fromPort, double t, ushort toPort = 50_000) => new()
    {
        TimestampNs = At(t),
        Family = Ip(to).Family,
        Source = Server,
        Destination = Ip(to),
        Protocol = IpProtocol.Udp,
        SourcePort = fromPort,
        DestinationPort = toPort,
        Options = TcpOptionSummary.Empty,
        Ttl = 64,
        Length = 28,
        Direction = PacketDirection.Outbound,
    };

    /// <summary>ICMP port unreachable from the host, quoting the UDP probe to <paramref name="closedPort"/>.</summary>
    public static PacketEvent PortUnreachable(string to, ushort closedPort, double t) => new()
    {
        TimestampNs = At(t),
        Family = Ip(to).Family,
        Source = Server,
        Destination = Ip(to),
        Protocol = Ip(to).IsIPv4 ? IpProtocol.Icmp : IpProtocol.IcmpV6,
        IcmpType = (byte)(Ip(to).IsIPv4 ? 3 : 1),
        IcmpCode = (byte)(Ip(to).IsIPv4 ? 3 : 4),
        QuotedProtocol = IpProtocol.Udp,
        QuotedSourcePort = 50_000,
        QuotedDestinationPort = closedPort,
        Options = TcpOptionSummary.Empty,
        Ttl = 64,
        Length = 56,
        Direction = PacketDirection.Outbound,
    };

    /// <summary>An inbound ICMP message (8 echo, 13 timestamp, 17 address mask).</summary>
    public static PacketEvent Icmp(string src, byte type, double t, string? dst = null)
    {
        var source = Ip(src);
        return new PacketEvent
        {
            TimestampNs = At(t),
            Family = source.Family,
            Source = source,
            Destination = dst is null ? Server : Ip(dst),
            Protocol = source.IsIPv4 ? IpProtocol.Icmp : IpProtocol.IcmpV6,
            IcmpType = source.IsIPv4 ? type : (byte)(type == 8 ? 128 : type),
            Options = TcpOptionSummary.Empty,
            Ttl = 64,
            Length = 28,
            Direction = PacketDirection.Inbound,
        };
    }

    public static PacketEvent Sctp(string src, ushort dport, double t) => Udp(src, dport, t) with { Protocol = IpProtocol.Sctp, Length = 52 };

    /// <summary>A bare IP packet with protocol number <paramref name="protocol"/> (nmap -sO).</summary>
    public static PacketEvent RawProtocol(string src, byte protocol, double t) => Udp(src, 0, t) with { Protocol = (IpProtocol)protocol, SourcePort = 0, Length = 20 };
}
