using PortVeil.Core;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Pipeline;

/// <summary>What a decision puts into the kernel: one element per target, a /24 as one banned4_24 element.</summary>
public sealed class BanStageKernelRequestsTests
{
    /// <summary>A member of a distributed scan: one probe of one closed port.</summary>
    private static Verdict VerdictFrom(string address) =>
        Some.Verdict(NetAddress.Parse(address), DateTimeOffset.UnixEpoch, Some.Evidence(DateTimeOffset.UnixEpoch, [2000], [], detector: DetectorKind.Distributed));

    private static BanDecision Decision(string address, string target, BanAction action, params string[] members) => new()
    {
        Action = action,
        Verdict = VerdictFrom(address),
        Target = NetPrefix.Parse(target),
        DecidedAt = DateTimeOffset.UnixEpoch,
        Duration = TimeSpan.FromMinutes(10),
        Members = [.. members.Select(NetAddress.Parse)],
        Explanation = "test",
    };

    [Fact]
    public void An_IPv4_24_ban_is_one_24_element_not_one_element_per_member()
    {
        var requests = BanStage.KernelRequests(Decision("198.51.100.7", "198.51.100.0/24", BanAction.SubnetBan, "198.51.100.5", "198.51.100.6", "198.51.100.7"));

        var r = Assert.Single(requests);
        Assert.Equal(SourceKeyKind.IPv4Prefix24, r.Source.Kind);
        Assert.Equal("198.51.100.0/24", r.Source.ToString());
        Assert.Equal(TimeSpan.FromMinutes(10), r.Duration);
    }

    [Fact]
    public void An_IPv6_64_ban_and_a_single_address_ban_stay_one_element_each()
    {
        var block = Assert.Single(BanStage.KernelRequests(Decision("2001:db8:1:2::9", "2001:db8:1:2::/64", BanAction.SubnetBan)));
        var single = Assert.Single(BanStage.KernelRequests(Decision("203.0.113.9", "203.0.113.9/32", BanAction.Ban)));

        Assert.Equal(SourceKeyKind.IPv6Prefix64, block.Source.Kind);
        Assert.Equal(SourceKeyKind.IPv4, single.Source.Kind);
    }

    [Fact]
    public void Only_24s_32s_64s_and_128s_have_a_kernel_key()
    {
        Assert.True(SourceKey.TryForNetwork(NetAddress.Parse("198.51.100.0"), 24, out var v4net));
        Assert.Equal(24, v4net.PrefixLength);
        Assert.True(v4net.IsNetwork);
        Assert.False(v4net.IsPrefix);
        Assert.False(SourceKey.TryForNetwork(NetAddress.Parse("198.51.100.0"), 23, out _));
        Assert.False(SourceKey.TryForNetwork(NetAddress.Parse("2001:db8::"), 48, out _));
        Assert.True(SourceKey.TryForNetwork(NetAddress.Parse("2001:db8::1"), 128, out var v6));
        Assert.Equal(SourceKeyKind.IPv6, v6.Kind);
    }
}
