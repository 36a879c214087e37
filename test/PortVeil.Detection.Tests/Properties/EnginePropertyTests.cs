using CsCheck;
using PortVeil.Core;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.Properties;

public class EnginePropertyTests
{
    private static readonly ushort[] Served = [22, 25, 443, 8080, 8443];

    [Fact]
    public void Random_benign_client_traffic_is_never_flagged()
    {
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 20], Gen.Int[30, 3600]).Sample((seed, clients, seconds) =>
        {
            var s = BenignTraffic(seed, clients, seconds);
            var (_, sink) = EngineRun.Over(s, servedTcp: Served);
            Assert.Empty(sink.Verdicts);
        }, iter: 60);
    }

    [Fact]
    public void Random_packet_events_never_throw_and_keep_the_table_bounded()
    {
        var address = Gen.Int[0, 40].Select(i => i switch
        {
            0 => NetAddress.Parse("127.0.0.1"),
            1 => NetAddress.Parse("::"),
            < 30 => NetAddress.FromV4(0xC633_6400u + (uint)i),
            _ => new NetAddress(0x2001_0DB8_0000_0000UL + (ulong)(i & 3), (ulong)i),
        });
        var header = Gen.Select(address, address, Gen.Byte, Gen.Byte, Gen.Int[0, 70_000], Gen.Byte, Gen.Long[-1_000_000_000, 1_000_000_000_000]);
        var packet = Gen.Select(header, Gen.UInt, Gen.Byte, Gen.Byte, Gen.Int[0, 7], (h, quoted, tag, code, dir) =>
        {
            var (src, dst, proto, flags, port, icmp, time) = h;
            var options = TcpOptionSummary.Empty;
            if ((flags & 1) != 0)
            {
                options.Append(TcpOptionKind.Mss);
                options.Mss = 1460;
            }

            return new PacketEvent
            {
                TimestampNs = time,
                Source = src,
                Destination = dst,
                Protocol = (IpProtocol)(proto % 3 == 0 ? 6 : proto % 3 == 1 ? 17 : proto),
                SourcePort = (ushort)port,
                DestinationPort = (ushort)(port * 31),
                Flags = (TcpFlags)flags,
                Window = (ushort)port,
                Options = options,
                IpId = quoted,
                Sequence = quoted,
                IcmpType = icmp,
                IcmpCode = code,
                QuotedProtocol = (IpProtocol)(code % 2 == 0 ? 17 : 6),
                QuotedDestinationPort = (ushort)port,
                Tag = (PacketTag)(tag % 8),
                Direction = (PacketDirection)(dir % 3),
            };
        });

        packet.Array[1, 400].Sample(events =>
        {
            var sink = new CollectingSink();
            var engine = new DetectionEngine(new DetectionOptions { Capacity = 64, GroupCapacity = 8 }, sink);
            foreach (var e in events)
            {
                engine.Process(in e);
            }

            engine.Flush(long.MaxValue / 4);
            Assert.Equal(events.Length, engine.Counters.Events);
            Assert.InRange(engine.TrackedSources, 0, 64);
            Assert.All(sink.Verdicts, v => Assert.False(v.Source.Address.IsLoopbackOrUnspecified));
        }, iter: 300);
    }

    /// <summary>Random benign clients of one /24: connections to served ports, single typos, late FIN/ACKs, pings, DNS.</summary>
    public static Scenario BenignTraffic(int seed, int clients, int seconds)
    {
        var s = new Scenario(seed);
        var r = s.Random;
        for (var c = 0; c < clients; c++)
        {
            // Clients share a /24 (a NAT or a campus), so the distributed detector sees them together.
            var src = $"192.0.2.{1 + c}";
            var t = r.NextDouble() * 10;

            // A guest mistypes one port (never a tripwire port: those are chosen because no guest ever uses them).
            var tripwires = new DetectionOptions().TripwirePorts;
            ushort typo;
            do
            {
                typo = (ushort)r.Next(1, 65_535);
            }
            while (tripwires.Contains(typo) || Array.IndexOf(Served, typo) >= 0);

            while (t < seconds)
            {
                switch (r.Next(10))
                {
                    case 0:
                        // The typo (always the same wrong port), then the right one.
                        var sport = (ushort)r.Next(33_000, 60_000);
                        s.Add(Events.Syn(src, typo, t, sport: sport));
                        s.Connection(src, Served[r.Next(Served.Length)], t + 1 + r.NextDouble());
                        break;
                    case 1:
                        s.Add(Events.Tcp(src, Served[r.Next(Served.Length)], t, TcpFlags.Fin | TcpFlags.Ack, sport: (ushort)r.Next(33_000, 60_000)));
                        break;
                    case 2:
                        s.Add(Events.Tcp(src, Served[r.Next(Served.Length)], t, TcpFlags.Ack, sport: (ushort)r.Next(33_000, 60_000)));
                        break;
                    case 3:
                        s.Add(Events.Icmp(src, 8, t));
                        break;
                    case 4:
                        s.DnsClient(src, t, 5);
                        break;
                    default:
                        s.Connection(src, Served[r.Next(Served.Length)], t, serverResets: r.Next(20) == 0);
                        break;
                }

                t += 0.5 + (r.NextDouble() * 30);
            }
        }

        return s;
    }
}
