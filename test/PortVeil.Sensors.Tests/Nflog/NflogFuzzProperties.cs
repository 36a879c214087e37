using System.Buffers.Binary;
using CsCheck;
using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using PortVeil.Sensors.Nflog;
using PortVeil.TestSupport;
using static PortVeil.TestSupport.NflogMessageBuilder;

namespace PortVeil.Sensors.Tests.Nflog;

/// <summary>
/// Fuzzing of the NFLOG netlink parser without a socket: datagrams of valid NFLOG messages whose payloads are real
/// IP packets of a real nmap capture (corpus s01), then damaged the ways a hostile or buggy peer would: bits flipped,
/// cut short, netlink and attribute lengths that lie. The reader must never throw, must always reach the end of the
/// datagram in a bounded number of steps, must point every error inside the datagram, and must still decode every
/// message that ends before the damage.
/// </summary>
public class NflogFuzzProperties
{
    private const long Fallback = 1_700_000_000_000_000_000;

    /// <summary>Real IPv4 packets (up to 96 bytes of each: NFLOG's copy range is headers only) from s01.</summary>
    private static readonly byte[][] RealPackets = LoadRealPackets();

    private static byte[][] LoadRealPackets()
    {
        var packets = new List<byte[]>();
        var raw = File.ReadAllBytes(RepoPaths.CorpusFile("s01_nmap_syn_top1000.pcap"));
        var offset = 24;
        while (offset + 16 <= raw.Length && packets.Count < 300)
        {
            var incl = BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(offset + 8));
            if (LinkLayer.Ethernet(raw.AsSpan(offset + 16, incl), out var ip, out _) == LinkDecodeResult.Ip)
            {
                packets.Add(ip[..Math.Min(ip.Length, 96)].ToArray());
            }

            offset += 16 + incl;
        }

        Assert.True(packets.Count >= 100, "s01 should hold hundreds of IP packets");
        return [.. packets];
    }

    private static readonly string[] Prefixes = ["pv:unserved", "pv:served", "pv:gated", "pv:trip", "pv:reply", "other", ""];

    /// <summary>One valid NFLOG packet message around a real packet, with a random choice of optional attributes.</summary>
    private static readonly Gen<byte[]> ValidMessage =
        Gen.Select(Gen.Int[0, RealPackets.Length - 1], Gen.Int[0, Prefixes.Length - 1], Gen.Bool, Gen.Bool, (packet, prefix, stamp, outdev) =>
        {
            var attributes = new List<byte[]> { PacketHeader(0x0800) };
            if (stamp)
            {
                attributes.Add(Timestamp(1_700_000_123, 456_789));
            }

            attributes.Add(outdev ? OutDev(2) : InDev(3));
            attributes.Add(Prefix(Prefixes[prefix]));
            attributes.Add(Payload(RealPackets[packet]));
            return Packet(7, 2, [.. attributes]);
        });

    /// <summary>What was done to the datagram, and the first byte it touched (messages ending before it are intact).</summary>
    private enum Damage
    {
        FlipBits,
        Truncate,
        LieMessageLength,
        LieAttributeLength,
        InsertBytes,
    }

    private static readonly Gen<uint> LyingLength = Gen.OneOf(
        Gen.OneOfConst(0u, 1u, 3u, 4u, 15u, 16u, 17u, 19u, 20u, 0xFFFFu, 0x10000u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu),
        Gen.UInt[0, 4096], Gen.UInt);

    private static List<(NflogRecordKind Kind, PacketEvent Packet, string? Error, int Offset)> ReadAll(byte[] datagram)
    {
        var records = new List<(NflogRecordKind, PacketEvent, string?, int)>();
        var reader = new NflogMessageReader(datagram, Fallback);
        var packet = default(PacketEvent);
        // At most one record per 16-byte netlink header, plus the end: anything more is a loop.
        for (var i = 0; i <= (datagram.Length / 16) + 1; i++)
        {
            var kind = reader.Next(ref packet, out var error, out var offset);
            if (kind == NflogRecordKind.End)
            {
                return records;
            }

            Assert.InRange(reader.MessageOffset, 0, datagram.Length);
            if (kind == NflogRecordKind.Error)
            {
                Assert.False(string.IsNullOrEmpty(error));
                Assert.InRange(offset, 0, datagram.Length);
            }
            else if (kind == NflogRecordKind.Packet)
            {
                Assert.Null(error);
                Assert.True(packet.Family is IpFamily.IPv4 or IpFamily.IPv6, "a decoded packet has an address family");
            }

            records.Add((kind, packet, error, offset));
        }

        throw new InvalidOperationException("the reader did not reach the end of the datagram");
    }

    /// <summary>Offsets of the attribute length fields inside a well-formed packet message starting at <paramref name="start"/>.</summary>
    private static List<int> AttributeLengthOffsets(byte[] datagram, int start)
    {
        var offsets = new List<int>();
        var end = start + (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram.AsSpan(start));
        for (var at = start + 20; at + 4 <= end;)
        {
            offsets.Add(at);
            at += (BinaryPrimitives.ReadUInt16LittleEndian(datagram.AsSpan(at)) + 3) & ~3;
        }

        return offsets;
    }

    [Fact]
    public void Damaged_batches_of_real_packets_never_throw_and_messages_before_the_damage_still_decode() =>
        Fuzz.Run(Gen.Select(ValidMessage.Array[1, 5], Gen.Enum<Damage>(), Gen.Int[0, int.MaxValue].Array[1, 4], LyingLength), (messages, damage, picks, lie) =>
        {
            var starts = new int[messages.Length];
            for (int i = 1; i < messages.Length; i++)
            {
                starts[i] = starts[i - 1] + messages[i - 1].Length;
            }

            var clean = Concat([.. messages, Done()]);
            var bytes = (byte[])clean.Clone();
            var victim = picks[0] % messages.Length;
            int damagedAt;
            switch (damage)
            {
                case Damage.FlipBits:
                    damagedAt = int.MaxValue;
                    foreach (var p in picks)
                    {
                        var at = p % bytes.Length;
                        bytes[at] ^= (byte)(1 << (p >> 28 & 7));
                        damagedAt = Math.Min(damagedAt, at);
                    }

                    break;
                case Damage.Truncate:
                    damagedAt = picks[0] % bytes.Length;
                    bytes = bytes[..damagedAt];
                    break;
                case Damage.LieMessageLength:
                    damagedAt = starts[victim];
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(damagedAt), lie);
                    break;
                case Damage.LieAttributeLength:
                    var fields = AttributeLengthOffsets(bytes, starts[victim]);
                    damagedAt = fields[picks[^1] % fields.Count];
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(damagedAt), (ushort)lie);
                    break;
                default:
                    damagedAt = picks[0] % bytes.Length;
                    var junk = BitConverter.GetBytes(lie);
                    bytes = [.. bytes[..damagedAt], .. junk[..(1 + (picks[^1] % 4))], .. bytes[damagedAt..]];
                    break;
            }

            var records = ReadAll(bytes);
            var reference = ReadAll(clean);
            for (int i = 0; i < messages.Length && starts[i] + messages[i].Length <= damagedAt; i++)
            {
                Assert.Equal(reference[i].Kind, records[i].Kind);
                Assert.Equal(reference[i].Packet.Source, records[i].Packet.Source);
                Assert.Equal(reference[i].Packet.DestinationPort, records[i].Packet.DestinationPort);
                Assert.Equal(reference[i].Packet.Tag, records[i].Packet.Tag);
            }
        }, 4000);

    [Fact]
    public void Real_packets_cut_at_every_length_inside_their_payload_attribute_are_errors_or_packets_never_exceptions() =>
        Fuzz.Run(Gen.Select(Gen.Int[0, RealPackets.Length - 1], Gen.Int[0, 96]), (index, cut) =>
        {
            var ip = RealPackets[index];
            var message = Packet(7, 2, PacketHeader(0x0800), InDev(3), Prefix("pv:unserved"), Payload(ip[..Math.Min(cut, ip.Length)]));
            var record = Assert.Single(ReadAll(message));
            Assert.True(record.Kind is NflogRecordKind.Packet or NflogRecordKind.Error, record.Kind.ToString());
        }, 2000);
}
