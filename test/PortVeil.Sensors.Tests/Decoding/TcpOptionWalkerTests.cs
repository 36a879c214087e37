using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using static PortVeil.Sensors.Tests.Support.PacketBuilder;

namespace PortVeil.Sensors.Tests.Decoding;

public class TcpOptionWalkerTests
{
    [Fact]
    public void No_options_is_an_empty_summary()
    {
        var s = TcpOptionWalker.Walk([]);
        Assert.Equal(TcpOptionSummary.Empty, s);
        Assert.Equal("none", s.ToString());
    }

    [Fact]
    public void End_of_list_stops_the_walk_and_padding_after_it_is_ignored()
    {
        var s = TcpOptionWalker.Walk(Hex("020405B4 0000 0303"));
        Assert.Equal("M1460,E", s.ToString());
        Assert.False(s.Malformed);
    }

    [Fact]
    public void Option_length_below_two_is_malformed()
    {
        var s = TcpOptionWalker.Walk(Hex("0401"));
        Assert.True(s.Malformed);
    }

    [Fact]
    public void Mss_with_the_wrong_length_is_malformed()
    {
        var s = TcpOptionWalker.Walk(Hex("0203 05"));
        Assert.True(s.Malformed);
        Assert.Equal(0, s.Mss);
    }

    [Fact]
    public void Kind_without_room_for_its_length_byte_is_malformed_unless_truncated_by_the_capture()
    {
        Assert.True(TcpOptionWalker.Walk(Hex("020405B4 03")).Malformed);
        Assert.False(TcpOptionWalker.Walk(Hex("020405B4 03"), truncated: true).Malformed);
    }

    [Fact]
    public void Unknown_option_kinds_are_recorded_in_order()
    {
        var s = TcpOptionWalker.Walk(Hex("1E04 0000 0101 0402"));
        Assert.Equal("?30,N,N,S", s.ToString());
        Assert.True(s.SackPermitted);
    }

    [Fact]
    public void More_than_eight_options_keep_the_first_eight_in_order_and_still_read_later_values()
    {
        var s = TcpOptionWalker.Walk(Hex("0101 0101 0101 0101 0101 0303 07"));
        Assert.Equal(8, s.Count);
        Assert.Equal(7, s.WindowScale);
    }
}
