using System.Buffers.Binary;
using System.Net;
using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Sensors.Tests.Decoding;

/// <summary>The crafted SYNs of the one-process load generator (<see cref="RawSynSender"/>), IPv4 and IPv6, read back by the real decoder.</summary>
public class SynPacketTests
{
    private static byte[] Craft(string source, string target, ushort sport, ushort dport, uint seq, ushort id)
    {
        var bytes = new byte[SynPacket.Length];
        Assert.Equal(SynPacket.Length, SynPacket.Write(bytes, IPAddress.Parse(source), IPAddress.Parse(target), sport, dport, seq, id));
        return bytes;
    }

    [Fact]
    public void Crafted_syn_decodes_as_an_nmap_style_probe_with_every_field_as_asked()
    {
        var bytes = Craft("198.51.100.150", "203.0.113.10", 40123, 1010, 0xCAFEF00D, 777);

        var p = default(PacketEvent);
        Assert.True(IpPacketDecoder.TryDecode(bytes, ref p, out var error), error);
        Assert.Equal(IpFamily.IPv4, p.Family);
        Assert.Equal(NetAddress.Parse("198.51.100.150"), p.Source);
        Assert.Equal(NetAddress.Parse("203.0.113.10"), p.Destination);
        Assert.Equal(IpProtocol.Tcp, p.Protocol);
        Assert.Equal(40123, p.SourcePort);
        Assert.Equal(1010, p.DestinationPort);
        Assert.Equal(0xCAFEF00Du, p.Sequence);
        Assert.Equal(777u, p.IpId);
        Assert.Equal(64, p.Ttl);
        Assert.Equal(44, p.Length);
        Assert.Equal(TcpFlags.Syn, p.Flags);
        Assert.True(p.IsTcpSyn);
        Assert.Equal(1024, p.Window);
        Assert.Equal("M1460", p.Options.ToString());
        Assert.False(p.Options.SackPermitted);
    }

    [Fact]
    public void Crafted_ipv6_syn_with_client_options_decodes_as_a_linux_client_first_contact()
    {
        var bytes = new byte[SynPacket.MaxLength];
        var length = SynPacket.Write(bytes, IPAddress.Parse("2001:db8:10::9"), IPAddress.Parse("2001:db8::10"), 40123, 443, 0xCAFEF00D, clientOptions: true);

        var p = default(PacketEvent);
        Assert.Equal(40 + 32, length);
        Assert.True(IpPacketDecoder.TryDecode(bytes.AsSpan(0, length), ref p, out var error), error);
        Assert.Equal(IpFamily.IPv6, p.Family);
        Assert.Equal(NetAddress.Parse("2001:db8:10::9"), p.Source);
        Assert.Equal(NetAddress.Parse("2001:db8::10"), p.Destination);
        Assert.Equal(443, p.DestinationPort);
        Assert.Equal(0xCAFEF00Du, p.Sequence);
        Assert.Equal(64, p.Ttl);
        Assert.True(p.IsTcpSyn);
        Assert.Equal(SynPacket.ClientWindow, p.Window);
        Assert.True(p.Options.SackPermitted);
        var tcp = bytes.AsSpan(40, 32);
        Assert.Equal(0, SynPacket.Checksum(tcp, SynPacket.PseudoHeaderSum(bytes, tcp.Length)));
    }

    [Fact]
    public void Ip_header_checksum_verifies_to_zero()
    {
        var bytes = Craft("192.0.2.77", "203.0.113.10", 1, 2, 3, 4);

        Assert.Equal(0, SynPacket.Checksum(bytes.AsSpan(0, 20), 0));
        Assert.NotEqual(0, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(10)));
    }

    [Fact]
    public void Tcp_checksum_over_pseudo_header_and_segment_verifies_to_zero_for_many_packets()
    {
        var rng = new Random(4);
        for (var i = 0; i < 1000; i++)
        {
            var source = $"203.0.113.{rng.Next(0, 256)}";
            var bytes = Craft(source, "198.51.100.1", (ushort)rng.Next(), (ushort)rng.Next(), (uint)rng.NextInt64(0, 1L << 32), (ushort)i);
            var tcp = bytes.AsSpan(20);

            Assert.Equal(0, SynPacket.Checksum(tcp, SynPacket.PseudoHeaderSum(bytes, tcp.Length)));
        }
    }

    [Fact]
    public void A_wrong_byte_breaks_the_tcp_checksum()
    {
        var bytes = Craft("198.51.100.150", "203.0.113.10", 40123, 1010, 1, 1);
        bytes[24] ^= 0x01; // one bit of the sequence number

        Assert.NotEqual(0, SynPacket.Checksum(bytes.AsSpan(20), SynPacket.PseudoHeaderSum(bytes, 24)));
    }

    [Fact]
    public void Checksum_matches_the_rfc_1071_worked_example()
    {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement), so the checksum is 220d.
        byte[] words = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];

        Assert.Equal(0x220d, SynPacket.Checksum(words, 0));
    }

    [Theory]
    [InlineData("10.0.0.1", "203.0.113.10")]
    [InlineData("198.51.100.7", "8.8.8.8")]
    public void Addresses_outside_the_documentation_ranges_are_refused(string source, string target)
    {
        Assert.Throws<ArgumentException>(() => Craft(source, target, 1, 2, 3, 4));
    }
}
