using System.Buffers.Binary;
using PortVeil.Core;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Enforcement.Tests.Nftables;

/// <summary>The fast path's netlink batch, read back attribute by attribute (the kernel side is in the integration tests).</summary>
public class NftSetElementSocketTests
{
    private static (int Length, ushort Type, ushort Flags, uint Seq) Header(ReadOnlySpan<byte> b, int at) =>
        ((int)BinaryPrimitives.ReadUInt32LittleEndian(b[at..]), BinaryPrimitives.ReadUInt16LittleEndian(b[(at + 4)..]),
         BinaryPrimitives.ReadUInt16LittleEndian(b[(at + 6)..]), BinaryPrimitives.ReadUInt32LittleEndian(b[(at + 8)..]));

    private static (ushort Length, ushort Type) Attr(ReadOnlySpan<byte> b, int at) =>
        (BinaryPrimitives.ReadUInt16LittleEndian(b[at..]), BinaryPrimitives.ReadUInt16LittleEndian(b[(at + 2)..]));

    [Fact]
    public void The_batch_is_begin_newsetelem_end_with_table_set_address_and_timeout_in_milliseconds()
    {
        var buffer = new byte[1024];
        NetAddress[] addresses = [NetAddress.Parse("198.51.100.7")];
        long[] timeouts = [600_000];

        var length = NftSetElementSocket.Build(buffer, "portveil", "banned4", addresses, timeouts, 100, out var ack);
        var b = buffer.AsSpan(0, length);

        var begin = Header(b, 0);
        Assert.Equal((20, (ushort)0x10, (ushort)0x1, 100u), begin);
        Assert.Equal(10, BinaryPrimitives.ReadUInt16BigEndian(b[18..])); // NFNL_SUBSYS_NFTABLES

        var msg = Header(b, 20);
        Assert.Equal(0x0A0C, msg.Type);                                   // NFT_MSG_NEWSETELEM in nf_tables
        Assert.Equal(0x1 | 0x4 | 0x400, msg.Flags);                         // request, ack, create
        Assert.Equal(101u, msg.Seq);
        Assert.Equal(101u, ack);
        Assert.Equal(1, b[20 + 16]);                                        // NFPROTO_INET

        var at = 40;
        Assert.Equal(((ushort)13, (ushort)1), Attr(b, at));                 // table "portveil\0"
        Assert.Equal("portveil", System.Text.Encoding.ASCII.GetString(b.Slice(at + 4, 8)));
        at += 16;
        Assert.Equal(((ushort)12, (ushort)2), Attr(b, at));                 // set "banned4\0"
        Assert.Equal("banned4", System.Text.Encoding.ASCII.GetString(b.Slice(at + 4, 7)));
        at += 12;
        var elements = Attr(b, at);
        Assert.Equal(0x8003, elements.Type);                               // nested list of elements
        Assert.Equal(at + elements.Length, 20 + msg.Length);                // the list ends the message
        at += 4;
        Assert.Equal(0x8001, Attr(b, at).Type);                             // NFTA_LIST_ELEM
        at += 4;
        Assert.Equal(((ushort)12, (ushort)0x8001), Attr(b, at));            // key { data value }
        Assert.Equal(((ushort)8, (ushort)1), Attr(b, at + 4));
        Assert.Equal(new byte[] { 198, 51, 100, 7 }, b.Slice(at + 8, 4).ToArray());
        at += 12;
        Assert.Equal(((ushort)12, (ushort)4), Attr(b, at));                 // NFTA_SET_ELEM_TIMEOUT
        Assert.Equal(600_000L, BinaryPrimitives.ReadInt64BigEndian(b[(at + 4)..]));

        var end = Header(b, 20 + msg.Length);
        Assert.Equal((20, (ushort)0x11, (ushort)0x1, 102u), end);
        Assert.Equal(length, 20 + msg.Length + 20);
    }

    [Fact]
    public void Ipv6_keys_are_16_bytes_and_every_element_gets_its_own_timeout()
    {
        var buffer = new byte[2048];
        NetAddress[] addresses = [NetAddress.Parse("2001:db8::1"), NetAddress.Parse("2001:db8:1::")];
        long[] timeouts = [1000, 2000];

        var length = NftSetElementSocket.Build(buffer, "portveil", "banned6", addresses, timeouts, 7, out _);
        var b = buffer.AsSpan(0, length);

        // Two elements: 4 (list elem) + 24 (key: 4 + data 4 + 16) + 12 (timeout) = 40 bytes each.
        var msg = Header(b, 20);
        Assert.Equal(20 + 16 + 12 + 4 + (2 * 40), msg.Length);
        var first = 40 + 16 + 12 + 4;
        Assert.Equal(40, Attr(b, first).Length);
        Assert.Equal(NetAddress.Parse("2001:db8::1"), NetAddress.FromBytes(b.Slice(first + 12, 16)));
        Assert.Equal(1000L, BinaryPrimitives.ReadInt64BigEndian(b[(first + 32)..]));
        var second = first + 40;
        Assert.Equal(NetAddress.Parse("2001:db8:1::"), NetAddress.FromBytes(b.Slice(second + 12, 16)));
        Assert.Equal(2000L, BinaryPrimitives.ReadInt64BigEndian(b[(second + 32)..]));
    }

    [Fact]
    public void Without_timeouts_the_batch_is_a_delsetelem_with_keys_only_and_no_create_flag()
    {
        var buffer = new byte[1024];
        NetAddress[] addresses = [NetAddress.Parse("192.0.2.201")];

        var length = NftSetElementSocket.Build(buffer, "portveil", "warmup4", addresses, [], 40, out var ack);
        var b = buffer.AsSpan(0, length);

        var msg = Header(b, 20);
        Assert.Equal(0x0A0E, msg.Type);                                   // NFT_MSG_DELSETELEM in nf_tables
        Assert.Equal(0x1 | 0x4, msg.Flags);                                 // request, ack
        Assert.Equal(41u, ack);

        // table (16) + set "warmup4\0" (12) + list (4) + one element: 4 + key 12, and no timeout attribute.
        Assert.Equal(20 + 16 + 12 + 4 + 4 + 12, msg.Length);
        var key = 40 + 16 + 12 + 4 + 4;
        Assert.Equal(((ushort)12, (ushort)0x8001), Attr(b, key));
        Assert.Equal(new byte[] { 192, 0, 2, 201 }, b.Slice(key + 8, 4).ToArray());
        Assert.Equal((20, (ushort)0x11, (ushort)0x1, 42u), Header(b, 20 + msg.Length));
    }
}
