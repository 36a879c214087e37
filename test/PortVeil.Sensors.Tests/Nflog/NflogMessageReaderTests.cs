using CsCheck;
using PortVeil.Core;
using PortVeil.Sensors.Nflog;
using PortVeil.TestSupport;
using static PortVeil.TestSupport.NflogMessageBuilder;

namespace PortVeil.Sensors.Tests.Nflog;

public class NflogMessageReaderTests
{
    private const long Fallback = 1_700_000_000_000_000_000;

    private readonly record struct Record(NflogRecordKind Kind, PacketEvent Packet, string? Error, int Offset, int MessageOffset);

    private static List<Record> ReadAll(byte[] datagram)
    {
        var records = new List<Record>();
        var reader = new NflogMessageReader(datagram, Fallback);
        var packet = default(PacketEvent);
        // A datagram of n bytes holds at most n / 16 messages; the bound keeps a parser bug from hanging the test.
        for (var i = 0; i <= (datagram.Length / 16) + 1; i++)
        {
            var kind = reader.Next(ref packet, out var error, out var offset);
            if (kind == NflogRecordKind.End)
            {
                return records;
            }

            records.Add(new Record(kind, packet, error, offset, reader.MessageOffset));
        }

        throw new InvalidOperationException("reader did not reach the end of the datagram");
    }

    private static byte[] SynMessage(string prefix, ushort dport) => Packet(7, 2,
        PacketHeader(0x0800),
        Timestamp(1_700_000_123, 456_789),
        InDev(3),
        Prefix(prefix),
        Payload(Ipv4Syn("198.51.100.7", "203.0.113.10", 40000, dport, window: 2048, ttl: 52, ipId: 777, sequence: 99)));

    [Fact]
    public void A_batch_of_two_packets_and_done_decodes_both_with_kernel_time_prefix_and_direction()
    {
        var datagram = Concat(SynMessage("pv:unserved", 22), SynMessage("pv:served", 443), Done());

        var records = ReadAll(datagram);

        Assert.Equal([NflogRecordKind.Packet, NflogRecordKind.Packet, NflogRecordKind.Control], records.ConvertAll(r => r.Kind));
        var first = records[0].Packet;
        Assert.Equal(1_700_000_123_456_789_000, first.TimestampNs);
        Assert.Equal(PacketTag.Unserved, first.Tag);
        Assert.Equal(PacketDirection.Inbound, first.Direction);
        Assert.Equal(NetAddress.Parse("198.51.100.7"), first.Source);
        Assert.Equal(NetAddress.Parse("203.0.113.10"), first.Destination);
        Assert.Equal(IpProtocol.Tcp, first.Protocol);
        Assert.Equal((ushort)40000, first.SourcePort);
        Assert.Equal((ushort)22, first.DestinationPort);
        Assert.Equal(TcpFlags.Syn, first.Flags);
        Assert.Equal((ushort)2048, first.Window);
        Assert.Equal((byte)52, first.Ttl);
        Assert.Equal(777u, first.IpId);
        Assert.Equal(99u, first.Sequence);
        Assert.Equal((ushort)1460, first.Options.Mss);
        Assert.Equal(1, first.Options.Count);
        Assert.Equal(PacketTag.Served, records[1].Packet.Tag);
        Assert.Equal((ushort)443, records[1].Packet.DestinationPort);
        Assert.Equal(SynMessage("pv:unserved", 22).Length, records[1].MessageOffset);
    }

    [Fact]
    public void An_ipv6_packet_decodes_with_its_addresses_and_hop_limit()
    {
        var datagram = Packet(7, 10, PacketHeader(0x86DD), InDev(2), Prefix("pv:trip"),
            Payload(Ipv6Syn("2001:db8:5::7", "2001:db8:10::10", 50000, 8080, window: 3072, hopLimit: 61)));

        var record = Assert.Single(ReadAll(datagram));

        Assert.Equal(NflogRecordKind.Packet, record.Kind);
        Assert.Equal(IpFamily.IPv6, record.Packet.Family);
        Assert.Equal(NetAddress.Parse("2001:db8:5::7"), record.Packet.Source);
        Assert.Equal(NetAddress.Parse("2001:db8:10::10"), record.Packet.Destination);
        Assert.Equal((byte)61, record.Packet.Ttl);
        Assert.Equal((ushort)8080, record.Packet.DestinationPort);
        Assert.Equal(PacketTag.Tripwire, record.Packet.Tag);
    }

    [Fact]
    public void Direction_is_outbound_for_outdev_only_and_unknown_without_devices()
    {
        var syn = Payload(Ipv4Syn("203.0.113.10", "198.51.100.7", 22, 40000));
        var outbound = Assert.Single(ReadAll(Packet(7, 2, OutDev(3), Prefix("pv:reply"), syn)));
        var both = Assert.Single(ReadAll(Packet(7, 2, InDev(2), OutDev(3), syn)));
        var none = Assert.Single(ReadAll(Packet(7, 2, syn)));

        Assert.Equal(PacketDirection.Outbound, outbound.Packet.Direction);
        Assert.Equal(PacketTag.Reply, outbound.Packet.Tag);
        Assert.Equal(PacketDirection.Inbound, both.Packet.Direction);
        Assert.Equal(PacketDirection.Unknown, none.Packet.Direction);
        Assert.Equal(PacketTag.None, none.Packet.Tag);
    }

    [Fact]
    public void A_packet_without_kernel_time_stamp_or_with_a_zero_one_gets_the_receive_time()
    {
        var syn = Payload(Ipv4Syn("198.51.100.7", "203.0.113.10", 40000, 22));
        var records = ReadAll(Concat(Packet(7, 2, InDev(1), syn), Packet(7, 2, Timestamp(0, 0), InDev(1), syn)));

        Assert.All(records, r => Assert.Equal(Fallback, r.Packet.TimestampNs));
    }

    [Fact]
    public void A_truncated_netlink_header_is_an_error_at_its_offset_and_ends_the_datagram()
    {
        var good = SynMessage("pv:unserved", 22);
        var datagram = Concat(good, new byte[10]);

        var records = ReadAll(datagram);

        Assert.Equal(2, records.Count);
        Assert.Equal(NflogRecordKind.Error, records[1].Kind);
        Assert.Equal(good.Length, records[1].Offset);
        Assert.Contains("truncated", records[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_length_past_the_datagram_is_an_error_and_nothing_after_it_is_read()
    {
        var bad = SynMessage("pv:unserved", 22);
        bad[0] = 0xFF; // nlmsg_len = 0x..FF, far past the end
        bad[1] = 0x0F;

        var record = Assert.Single(ReadAll(Concat(bad, SynMessage("pv:served", 80))));

        Assert.Equal(NflogRecordKind.Error, record.Kind);
        Assert.Equal(0, record.Offset);
    }

    [Fact]
    public void An_attribute_length_past_its_message_is_an_error_and_the_next_message_is_still_read()
    {
        var bad = Packet(7, 2, InDev(1), Prefix("pv:unserved"));
        // The last attribute (prefix at 16 + 4 + 8) claims 200 bytes.
        var prefixOffset = 16 + 4 + 8;
        bad[prefixOffset] = 200;

        var records = ReadAll(Concat(bad, SynMessage("pv:served", 80)));

        Assert.Equal(NflogRecordKind.Error, records[0].Kind);
        Assert.Equal(prefixOffset, records[0].Offset);
        Assert.Contains("past the end", records[0].Error, StringComparison.Ordinal);
        Assert.Equal(NflogRecordKind.Packet, records[1].Kind);
        Assert.Equal((ushort)80, records[1].Packet.DestinationPort);
    }

    [Fact]
    public void An_attribute_length_below_four_is_an_error()
    {
        var bad = Packet(7, 2, InDev(1), Payload(Ipv4Syn("198.51.100.7", "203.0.113.10", 1, 2)));
        bad[16 + 4] = 2;

        var record = Assert.Single(ReadAll(bad));

        Assert.Equal(NflogRecordKind.Error, record.Kind);
        Assert.Equal(20, record.Offset);
    }

    [Fact]
    public void Nlmsg_error_is_reported_with_its_errno_and_an_ack_is_only_control()
    {
        var records = ReadAll(Concat(Error(-105, 9), Error(0, 10)));

        Assert.Equal(NflogRecordKind.Error, records[0].Kind);
        Assert.Contains("errno 105", records[0].Error, StringComparison.Ordinal);
        Assert.Equal(NflogRecordKind.Control, records[1].Kind);
    }

    [Fact]
    public void An_unknown_message_type_is_an_error_but_unknown_attributes_are_skipped()
    {
        var unknownType = Message(0x0999, new byte[8]);
        var unknownAttribute = Packet(7, 2, Attribute(99, [1, 2, 3, 4, 5]), InDev(1),
            Payload(Ipv4Syn("198.51.100.7", "203.0.113.10", 1, 25)));

        var records = ReadAll(Concat(unknownType, unknownAttribute));

        Assert.Equal(NflogRecordKind.Error, records[0].Kind);
        Assert.Contains("0x0999", records[0].Error, StringComparison.Ordinal);
        Assert.Equal(NflogRecordKind.Packet, records[1].Kind);
        Assert.Equal((ushort)25, records[1].Packet.DestinationPort);
    }

    [Fact]
    public void A_packet_without_payload_or_with_a_bad_ip_header_is_an_error()
    {
        var noPayload = Packet(7, 2, InDev(1), Prefix("pv:unserved"));
        var badIp = Packet(7, 2, InDev(1), Payload([0x45, 0, 0, 20, 0, 0]));

        var records = ReadAll(Concat(noPayload, badIp));

        Assert.All(records, r => Assert.Equal(NflogRecordKind.Error, r.Kind));
        Assert.Contains("NFULA_PAYLOAD", records[0].Error, StringComparison.Ordinal);
        Assert.Contains("IPv4", records[1].Error, StringComparison.Ordinal);
        Assert.Equal(noPayload.Length + 16 + 4 + 8 + 4, records[1].Offset);
    }

    [Fact]
    public void Random_bytes_never_throw_and_always_reach_the_end()
    {
        Fuzz.Run(Gen.Byte.Array[0, 600], bytes =>
        {
            var records = ReadAll(bytes);
            Assert.True(records.Count <= (bytes.Length / 16) + 1);
        }, 5000);
    }

    [Fact]
    public void Mutated_valid_batches_never_throw_and_good_messages_before_the_damage_still_decode()
    {
        var batch = Concat(SynMessage("pv:unserved", 22), SynMessage("pv:gated", 443), Done());
        Fuzz.Run(Gen.Select(Gen.Int[0, batch.Length - 1], Gen.Byte).Array[1, 4], mutations =>
        {
            var bytes = (byte[])batch.Clone();
            var firstDamage = int.MaxValue;
            foreach (var (at, value) in mutations)
            {
                bytes[at] = value;
                firstDamage = Math.Min(firstDamage, at);
            }

            var records = ReadAll(bytes);
            var firstLength = SynMessage("pv:unserved", 22).Length;
            if (firstDamage >= firstLength)
            {
                Assert.Equal(NflogRecordKind.Packet, records[0].Kind);
                Assert.Equal((ushort)22, records[0].Packet.DestinationPort);
            }
        }, 5000);
    }
}
