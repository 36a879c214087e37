using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Daemon.Tests.Pipeline;

public sealed class AllowlistPusherTests
{
    [Fact]
    public void Blocks_inside_other_blocks_are_left_out_so_the_kernel_interval_set_accepts_the_list()
    {
        var index = AllowlistIndex.Create(
        [
            new(NetPrefix.Parse("198.51.100.1"), AllowlistSource.Gateway, "gateway"),
            new(NetPrefix.Parse("198.51.100.0/24"), AllowlistSource.Static, "office"),
            new(NetPrefix.Parse("198.51.100.0/24"), AllowlistSource.Operator, "again, by an operator"),
            new(NetPrefix.Parse("2001:db8::/32"), AllowlistSource.Static, "lab"),
            new(NetPrefix.Parse("2001:db8:1::5"), AllowlistSource.AdminSsh, "admin"),
            new(NetPrefix.Parse("203.0.113.9"), AllowlistSource.Resolver, "resolver"),
        ]);

        var kept = AllowlistPusher.Outermost(index.Entries).Select(e => new NetPrefix(e.Network, e.PrefixLength).ToString()).ToList();

        Assert.Contains("198.51.100.0/24", kept);
        Assert.Contains("2001:db8::/32", kept);
        Assert.Contains("203.0.113.9", kept);
        Assert.Contains("127.0.0.0/8", kept);
        Assert.DoesNotContain("198.51.100.1", kept);
        Assert.DoesNotContain("2001:db8:1::5", kept);
        Assert.Equal(kept.Count, kept.Distinct().Count());
        var blocks = kept.Select(NetPrefix.Parse).ToList();
        Assert.All(blocks, a => Assert.DoesNotContain(blocks, b => !a.Equals(b) && a.Overlaps(b)));
    }
}
