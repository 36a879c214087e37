using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Tests.Support;

namespace PortVeil.Enforcement.Tests.Allowlist;

public class AllowlistIndexTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("224.0.0.251")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("ff02::1")]
    public void Reserved_addresses_are_on_every_allowlist(string address)
    {
        var a = NetAddress.Parse(address);
        Assert.True(AllowlistIndex.ReservedOnly.TryMatch(a, out var entry));
        Assert.Equal(AllowlistSource.Reserved, entry.Source);
        Assert.True(ReservedRanges.IsReserved(a));
    }

    [Theory]
    [InlineData("198.51.100.7")]
    [InlineData("1.0.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("255.255.255.254")]
    [InlineData("2001:db8::1")]
    [InlineData("::2")]
    [InlineData("fe80::1")]
    public void Ordinary_addresses_are_not_reserved(string address)
    {
        var a = NetAddress.Parse(address);
        Assert.False(AllowlistIndex.ReservedOnly.Contains(a));
        Assert.False(ReservedRanges.IsReserved(a));
    }

    [Fact]
    public void The_most_specific_entry_names_the_reason()
    {
        var index = Some.Allowlist(
            ("192.0.2.0/24", AllowlistSource.Static, "office"),
            ("192.0.2.1", AllowlistSource.Gateway, "gateway 192.0.2.1 (default route via eth0)"),
            ("2001:db8::/32", AllowlistSource.Static, "v6 office"),
            ("2001:db8:1::53", AllowlistSource.Resolver, "resolver from /etc/resolv.conf"));

        Assert.True(index.TryMatch(NetAddress.Parse("192.0.2.1"), out var gw));
        Assert.Equal(AllowlistSource.Gateway, gw.Source);
        Assert.True(index.TryMatch(NetAddress.Parse("192.0.2.0"), out var first));
        Assert.Equal("office", first.Reason);
        Assert.True(index.TryMatch(NetAddress.Parse("192.0.2.255"), out var last));
        Assert.Equal("office", last.Reason);
        Assert.True(index.TryMatch(NetAddress.Parse("2001:db8:1::53"), out var resolver));
        Assert.Equal(AllowlistSource.Resolver, resolver.Source);
        Assert.True(index.TryMatch(NetAddress.Parse("2001:db8:ffff::1"), out var v6));
        Assert.Equal("v6 office", v6.Reason);
        Assert.False(index.Contains(NetAddress.Parse("192.0.3.0")));
        Assert.False(index.Contains(NetAddress.Parse("192.0.1.255")));
        Assert.False(index.Contains(NetAddress.Parse("2001:db9::")));
    }

    [Fact]
    public void An_ipv4_block_never_covers_ipv6_addresses_and_the_reverse()
    {
        var index = Some.Allowlist(("0.0.0.0/0", AllowlistSource.Static, "all v4"));
        Assert.True(index.Contains(NetAddress.Parse("203.0.113.9")));
        Assert.False(index.Contains(NetAddress.Parse("2001:db8::9")));

        var v6 = Some.Allowlist(("2001:db8::/32", AllowlistSource.Static, "v6"));
        Assert.False(v6.Contains(NetAddress.Parse("32.1.13.184"))); // 0x20010db8 as IPv4
    }

    [Fact]
    public void Overlap_finds_an_allowlisted_address_inside_a_subnet()
    {
        var index = Some.Allowlist(("203.0.113.77", AllowlistSource.AdminSsh, "admin SSH client (live session)"),
            ("2001:db8:5::9", AllowlistSource.HostAddress, "this host's address on eth0"));

        Assert.True(index.TryFindOverlap(NetPrefix.Parse("203.0.113.0/24"), out var admin));
        Assert.Equal(AllowlistSource.AdminSsh, admin.Source);
        Assert.False(index.TryFindOverlap(NetPrefix.Parse("203.0.112.0/24"), out _));
        Assert.True(index.TryFindOverlap(NetPrefix.Parse("2001:db8:5::/64"), out _));
        Assert.False(index.TryFindOverlap(NetPrefix.Parse("2001:db8:6::/64"), out _));
        Assert.True(index.TryFindOverlap(NetPrefix.Parse("127.0.0.0/24"), out var loopback));
        Assert.Equal(AllowlistSource.Reserved, loopback.Source);
    }

    [Fact]
    public void Lookups_agree_with_a_linear_scan_of_the_entries()
    {
        var random = new Random(7);
        var entries = new List<AllowlistEntry>();
        for (var i = 0; i < 300; i++)
        {
            var a = i % 2 == 0
                ? NetAddress.FromV4(0xC000_0000u | (uint)random.Next(0, 1 << 16))
                : new NetAddress(0x2001_0DB8_0000_0000UL | (uint)random.Next(0, 64), (uint)random.Next(0, 1 << 16));
            var length = a.IsIPv4 ? random.Next(12, 33) : random.Next(36, 129);
            entries.Add(new AllowlistEntry(new NetPrefix(a, length), AllowlistSource.Static, "e" + i));
        }

        var index = AllowlistIndex.Create(entries);
        for (var i = 0; i < 20_000; i++)
        {
            var probe = i % 2 == 0
                ? NetAddress.FromV4(0xC000_0000u | (uint)random.Next(0, 1 << 17))
                : new NetAddress(0x2001_0DB8_0000_0000UL | (uint)random.Next(0, 80), (uint)random.Next(0, 1 << 17));
            var expected = ReservedRanges.IsReserved(probe) || entries.Exists(e => e.Prefix.Contains(probe));
            Assert.Equal(expected, index.Contains(probe));
        }
    }
}
