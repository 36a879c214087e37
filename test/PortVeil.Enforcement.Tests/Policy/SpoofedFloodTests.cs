using CsCheck;
using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Enforcement.Tests.Support;

namespace PortVeil.Enforcement.Tests.Policy;

public class SpoofedFloodTests
{
    private static readonly (string Cidr, AllowlistSource Source, string Reason)[] Protected =
    [
        ("198.51.100.1", AllowlistSource.Gateway, "gateway 198.51.100.1 (default route via eth0)"),
        ("198.51.100.53", AllowlistSource.Resolver, "resolver from /etc/resolv.conf"),
        ("198.51.100.10", AllowlistSource.HostAddress, "this host's address on eth0"),
        ("2001:db8:1::10", AllowlistSource.HostAddress, "this host's address on eth0"),
        ("203.0.113.77", AllowlistSource.AdminSsh, "admin SSH client (live session)"),
        ("192.0.2.0/28", AllowlistSource.Static, "static allowlist entry from configuration"),
    ];

    [Fact]
    public void Budgets_hold_under_100000_spoofed_random_verdicts_and_the_allowlist_is_never_banned()
    {
        var options = new PolicyOptions { MaxActiveBans = 3_000 };
        var allowlist = Some.Allowlist(Protected);
        var policy = Some.Policy(allowlist, options: options);
        var random = new Random(2026);
        var banTimes = new List<long>();
        var perSubnet = new Dictionary<NetPrefix, List<long>>();
        var protectedAddresses = Protected.Select(p => NetPrefix.Parse(p.Cidr)).ToArray();
        var now = Some.Start;
        var spoofedProtected = 0;

        for (var i = 0; i < 100_000; i++)
        {
            // 10 minutes of flood: a verdict every 6 ms.
            now += TimeSpan.FromMilliseconds(6);
            NetAddress source;
            var roll = random.Next(100);
            if (roll < 10)
            {
                // A protected address, spoofed again and again.
                var p = protectedAddresses[random.Next(protectedAddresses.Length)];
                source = p.IsSingleAddress ? p.Network : NetAddress.FromV4(p.Network.V4 + (uint)random.Next(16));
                spoofedProtected++;
            }
            else if (roll < 30)
            {
                // The protected /24s, so subnet bans and per-subnet budgets are put to the test.
                source = random.Next(2) == 0
                    ? NetAddress.FromV4(0xC633_6400u + (uint)random.Next(256))
                    : NetAddress.FromV4(0xCB00_7100u + (uint)random.Next(256));
            }
            else if (roll < 40)
            {
                source = new NetAddress(0x2001_0DB8_0001_0000UL + (uint)random.Next(4), (ulong)random.NextInt64());
            }
            else if (roll < 45)
            {
                source = new NetAddress((ulong)random.NextInt64(), (ulong)random.NextInt64());
            }
            else
            {
                source = NetAddress.FromV4((uint)random.NextInt64(0, 1L << 32));
            }

            var d = policy.Decide(Some.Verdict(source, verified: random.Next(4) == 0, probes: random.Next(1, 6)), now);
            if (d.Action == BanAction.Skip)
            {
                continue;
            }

            Assert.False(allowlist.TryFindOverlap(d.Target, out var hit), $"{d.Target} would ban {hit}");
            Assert.DoesNotContain(protectedAddresses, p => p.Overlaps(d.Target));
            banTimes.Add(now.UtcTicks);
            if (d.Action == BanAction.Ban)
            {
                var subnet = NetPrefix.SubnetOf(d.Target.Network);
                if (!perSubnet.TryGetValue(subnet, out var times))
                {
                    perSubnet[subnet] = times = [];
                }

                times.Add(now.UtcTicks);
            }

            Assert.True(policy.ActiveBans <= options.MaxActiveBans);
        }

        Assert.True(spoofedProtected > 5_000);
        Assert.True(MaxInAnyWindow(banTimes, TimeSpan.FromMinutes(1)) <= options.BansPerMinute);
        Assert.All(perSubnet.Values, times => Assert.True(MaxInAnyWindow(times, TimeSpan.FromHours(1)) <= options.SubnetBudgetPerHour));
        Assert.True(banTimes.Count <= options.MaxActiveBans);
        var c = policy.Counters;
        Assert.True(c.SkippedRateBudget > 0 && c.SkippedConcurrentBudget > 0, c.ToString());
        Assert.True(c.SkippedAllowlisted >= spoofedProtected);
        Assert.Equal(100_000, c.Decisions);
    }

    [Fact]
    public void No_decision_ever_bans_an_allowlisted_address_or_a_subnet_containing_one()
    {
        // A small address space (four /24s, four /64s) so random allowlists and random verdicts collide often.
        var address = Gen.Int[0, 2047].Select(i => i < 1024
            ? NetAddress.FromV4(0xCB00_7000u + (uint)i)
            : new NetAddress(0x2001_0DB8_0000_0000UL | (uint)((i >> 8) & 3), (uint)(i & 255)));
        var entry = Gen.Select(address, Gen.Int[0, 1000], (a, r) => new NetPrefix(a, a.IsIPv4 ? 22 + (r % 11) : 60 + (r % 69)));
        var verdict = Gen.Select(address, Gen.Bool, Gen.Int[1, 4], Gen.Int[0, 9], Gen.Int[0, 120]);

        Gen.Select(entry.Array[0, 6], verdict.Array[1, 300], Gen.Int[0, 6]).Sample((entries, verdicts, members) =>
        {
            var list = entries.Select(p => new AllowlistEntry(p, AllowlistSource.Static, "random")).ToList();
            var options = new PolicyOptions { SubnetBanMembers = members < 2 ? 0 : members, SubnetBudgetPerHour = 8 };
            var policy = Some.Policy(AllowlistIndex.Create(list), options: options);
            var now = Some.Start;
            foreach (var (a, verified, probes, kind, seconds) in verdicts)
            {
                now += TimeSpan.FromSeconds(seconds);
                var key = kind == 0 && !a.IsIPv4 ? SourceKey.ForPrefix64(a) : SourceKey.ForAddress(a);
                var d = policy.Decide(Some.Verdict(key, verified, probes, 100), now);
                if (d.Action != BanAction.Skip)
                {
                    // Checked against the entries directly, not through the index the policy used.
                    Assert.DoesNotContain(entries, p => p.Overlaps(d.Target));
                }
            }
        }, iter: 300);
    }

    private static int MaxInAnyWindow(List<long> sortedTicks, TimeSpan window)
    {
        var max = 0;
        var start = 0;
        for (var end = 0; end < sortedTicks.Count; end++)
        {
            while (sortedTicks[end] - sortedTicks[start] >= window.Ticks)
            {
                start++;
            }

            max = Math.Max(max, end - start + 1);
        }

        return max;
    }
}
