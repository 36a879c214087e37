using PortVeil.Core;

namespace PortVeil.Benchmarks.Detection;

/// <summary>
/// A pre-generated, time-ordered stream that looks like a busy day on a small server: benign guests making full
/// connections to served ports (about 60 % of events), nmap-like SYN and FIN scans with the host's replies (25 %),
/// and a flood of spoofed one-SYN sources (15 %). With <c>decoys</c>, every SYN scan is an nmap -D scan: each probe
/// also comes from three forged addresses, back to back (1 µs apart), with random TTLs.
/// </summary>
internal static class MixedEventStream
{
    public static readonly ushort[] Served = [22, 25, 443, 8080, 8443];
    private static readonly NetAddress Server = NetAddress.FromV4(0xCB00_710A); // 203.0.113.10

    public static PacketEvent[] Create(int count, int seed, bool withScans = true, bool withSpoofed = true, bool decoys = false)
    {
        var random = new Random(seed);
        var events = new List<PacketEvent>(count + 1024);
        var t = 1_764_088_179_000_000_000L;
        var linux = TcpOptionSummary.Empty;
        linux.Append(TcpOptionKind.Mss);
        linux.Append(TcpOptionKind.SackPermitted);
        linux.Append(TcpOptionKind.Timestamps);
        linux.Append(TcpOptionKind.WindowScale);
        linux.Mss = 1460;
        linux.SackPermitted = true;
        linux.Timestamps = true;
        linux.WindowScale = 7;
        var nmap = TcpOptionSummary.Empty;
        nmap.Append(TcpOptionKind.Mss);
        nmap.Mss = 1460;

        var scanner = 0u;
        while (events.Count < count)
        {
            var roll = random.Next(100);
            t += random.Next(1_000, 20_000); // 1-20 µs between bursts
            if (roll < 60 || (!withScans && !withSpoofed))
            {
                // A guest (one of 5,000 in 192.0.2.0/24 and 198.18.0.0/15) connects to a served port.
                var guest = NetAddress.FromV4(0xC612_0000u + (uint)random.Next(5_000));
                var port = Served[random.Next(Served.Length)];
                var sport = (ushort)random.Next(32_768, 60_999);
                events.Add(Inbound(guest, port, sport, TcpFlags.Syn, 64240, linux, t));
                events.Add(Outbound(guest, port, sport, TcpFlags.Syn | TcpFlags.Ack, t + 100_000));
                events.Add(Inbound(guest, port, sport, TcpFlags.Ack, 502, TcpOptionSummary.Empty, t + 200_000));
                events.Add(Inbound(guest, port, sport, TcpFlags.Ack | TcpFlags.Psh, 502, TcpOptionSummary.Empty, t + 300_000));
                events.Add(Outbound(guest, port, sport, TcpFlags.Ack | TcpFlags.Psh, t + 400_000));
                events.Add(Inbound(guest, port, sport, TcpFlags.Fin | TcpFlags.Ack, 502, TcpOptionSummary.Empty, t + 500_000));
            }
            else if (roll < 85 && withScans)
            {
                // A scanner from 198.51.100.0/24 or 100.64.0.0/10 probes 200 ports, nmap -sS or -sF style.
                var source = NetAddress.FromV4(0x6440_0000u + scanner++);
                var fin = random.Next(4) == 0;
                var start = random.Next(1, 60_000);
                for (var i = 0; i < 200; i++)
                {
                    var port = (ushort)(start + i);
                    var ts = t + (i * 60_000L);
                    if (decoys && !fin)
                    {
                        for (var d = 1; d <= 3; d++)
                        {
                            var decoy = NetAddress.FromV4(0xC633_6400u + (uint)((scanner * 3) + d) % 250u); // 198.51.100.x
                            events.Add(Inbound(decoy, port, 61_234, TcpFlags.Syn, 1024, nmap, ts - (d * 1_000L)) with { Ttl = (byte)random.Next(37, 60) });
                        }
                    }

                    events.Add(Inbound(source, port, 61_234, fin ? TcpFlags.Fin : TcpFlags.Syn, 1024, fin ? TcpOptionSummary.Empty : nmap, ts));
                    events.Add(Outbound(source, port, 61_234, TcpFlags.Rst | TcpFlags.Ack, ts + 30_000));
                }
            }
            else if (withSpoofed)
            {
                // Spoofed noise: random sources, one SYN each, no options (a raw flood).
                for (var i = 0; i < 50; i++)
                {
                    var source = NetAddress.FromV4((uint)random.Next(0x0100_0000, 0x7F00_0000));
                    events.Add(Inbound(source, (ushort)random.Next(1, 65_535), 1_000, TcpFlags.Syn, 512, TcpOptionSummary.Empty, t + (i * 1_000L)));
                }
            }
        }

        var array = events.GetRange(0, count).ToArray();
        var keys = new long[array.Length];
        for (var i = 0; i < array.Length; i++)
        {
            keys[i] = array[i].TimestampNs;
        }

        Array.Sort(keys, array);
        return array;
    }

    private static PacketEvent Inbound(NetAddress source, ushort port, ushort sport, TcpFlags flags, ushort window, TcpOptionSummary options, long t) => new()
    {
        TimestampNs = t,
        Family = IpFamily.IPv4,
        Source = source,
        Destination = Server,
        Protocol = IpProtocol.Tcp,
        SourcePort = sport,
        DestinationPort = port,
        Flags = flags,
        Window = window,
        Options = options,
        IpId = (uint)(t & 0xFFFF),
        Ttl = 52,
        Sequence = (uint)t,
        Length = (ushort)(40 + (options.Count == 0 ? 0 : options.SackPermitted ? 20 : 4)),
        Direction = PacketDirection.Inbound,
    };

    private static PacketEvent Outbound(NetAddress remote, ushort port, ushort sport, TcpFlags flags, long t) => new()
    {
        TimestampNs = t,
        Family = IpFamily.IPv4,
        Source = Server,
        Destination = remote,
        Protocol = IpProtocol.Tcp,
        SourcePort = port,
        DestinationPort = sport,
        Flags = flags,
        Window = 64240,
        Options = TcpOptionSummary.Empty,
        Ttl = 64,
        Length = 40,
        Direction = PacketDirection.Outbound,
    };
}
