using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Enforcement.Tests.Support;

namespace PortVeil.Enforcement.Tests.Policy;

public class BanPolicyTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Theory]
    [InlineData("198.51.100.1", AllowlistSource.Gateway)]
    [InlineData("192.0.2.53", AllowlistSource.Resolver)]
    [InlineData("203.0.113.10", AllowlistSource.HostAddress)]
    [InlineData("2001:db8::10", AllowlistSource.HostAddress)]
    [InlineData("203.0.113.200", AllowlistSource.AdminSsh)]
    [InlineData("192.0.2.130", AllowlistSource.Static)]
    [InlineData("127.0.0.1", AllowlistSource.Reserved)]
    [InlineData("::", AllowlistSource.Reserved)]
    public void Allowlisted_source_is_never_banned_even_when_verified_and_scored_high(string address, AllowlistSource source)
    {
        var policy = Some.Policy(Some.Allowlist(
            ("198.51.100.1", AllowlistSource.Gateway, "gateway 198.51.100.1 (default route via eth0)"),
            ("192.0.2.53", AllowlistSource.Resolver, "resolver from /etc/resolv.conf"),
            ("203.0.113.10", AllowlistSource.HostAddress, "this host's address on eth0"),
            ("2001:db8::10", AllowlistSource.HostAddress, "this host's address on eth0"),
            ("203.0.113.200", AllowlistSource.AdminSsh, "admin SSH client (live session)"),
            ("192.0.2.128/25", AllowlistSource.Static, "static allowlist entry from configuration")));

        for (var i = 0; i < 100; i++)
        {
            var d = policy.Decide(Some.Verdict(address, verified: true, probes: 65_535, score: 1e9), Some.Start + TimeSpan.FromSeconds(i));
            Assert.Equal(BanAction.Skip, d.Action);
            Assert.Equal(SkipReason.Allowlisted, d.SkipReason);
            Assert.Equal(source, d.AllowlistEntry!.Source);
            Assert.False(d.Enforce);
            Assert.Contains(d.AllowlistEntry.Reason, d.Explanation, StringComparison.Ordinal);
        }

        Assert.Equal(0, policy.Counters.Bans + policy.Counters.SubnetBans);
        Assert.Equal(100, policy.Counters.SkippedAllowlisted);
    }

    [Fact]
    public void A_single_unverified_syn_is_skipped_and_a_second_probe_or_a_handshake_is_enough()
    {
        var policy = Some.Policy();

        var single = policy.Decide(Some.Verdict("203.0.113.5", verified: false, probes: 1), Some.Start);
        var two = policy.Decide(Some.Verdict("203.0.113.6", verified: false, probes: 2), Some.Start);
        var verifiedSingle = policy.Decide(Some.Verdict("203.0.113.7", verified: true, probes: 1), Some.Start);

        Assert.Equal(BanAction.Skip, single.Action);
        Assert.Equal(SkipReason.UnverifiedSingleProbe, single.SkipReason);
        Assert.Contains("could be spoofed", single.Explanation, StringComparison.Ordinal);
        Assert.Equal(BanAction.Ban, two.Action);
        Assert.Equal(BanAction.Ban, verifiedSingle.Action);
        Assert.Equal(1, policy.Counters.SkippedUnverified);
    }

    [Fact]
    public void Ban_duration_doubles_for_each_repeat_offence_up_to_30_days()
    {
        var policy = Some.Policy();
        var now = Some.Start;
        var durations = new List<TimeSpan>();
        var levels = new List<int>();
        for (var i = 0; i < 13; i++)
        {
            var d = policy.Decide(Some.Verdict("203.0.113.9"), now);
            Assert.Equal(BanAction.Ban, d.Action);
            durations.Add(d.Duration);
            levels.Add(d.EscalationLevel);
            now = d.ExpiresAt + TimeSpan.FromMinutes(1);
            // Offences older than 30 days are forgotten; keep the sequence inside that memory.
            if (now - Some.Start > TimeSpan.FromDays(29))
            {
                break;
            }
        }

        var expected = new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256 }.Select(h => TimeSpan.FromHours(h)).ToArray();
        Assert.Equal(expected, durations.Take(expected.Length).ToArray());
        Assert.Equal(Enumerable.Range(0, durations.Count).ToArray(), levels.ToArray());
    }

    [Fact]
    public void Escalation_is_capped_at_the_maximum_ban()
    {
        var history = new InMemoryOffenceHistory();
        var target = NetPrefix.Parse("203.0.113.9");
        for (var i = 0; i < 12; i++)
        {
            history.RecordOffence(target, Some.Start - TimeSpan.FromDays(1) + TimeSpan.FromMinutes(i), Hour);
        }

        var policy = Some.Policy(history: history);
        var d = policy.Decide(Some.Verdict("203.0.113.9"), Some.Start);

        // 1 h × 2^12 = 4,096 h would be 170 days; the cap is 30 days.
        Assert.Equal(12, d.EscalationLevel);
        Assert.Equal(TimeSpan.FromDays(30), d.Duration);
        Assert.Contains("13th offence", d.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Escalation_survives_a_new_policy_instance_with_the_same_history()
    {
        var history = new InMemoryOffenceHistory();
        var first = Some.Policy(history: history);
        var d1 = first.Decide(Some.Verdict("2001:db8::66"), Some.Start);
        var d2 = first.Decide(Some.Verdict("2001:db8::66"), d1.ExpiresAt + TimeSpan.FromSeconds(1));

        // The daemon restarts: a new policy, no memory of its own, the same history (the database).
        var restarted = Some.Policy(history: history);
        var d3 = restarted.Decide(Some.Verdict("2001:db8::66"), d2.ExpiresAt + TimeSpan.FromSeconds(1));

        Assert.Equal([Hour, 2 * Hour, 4 * Hour], new[] { d1.Duration, d2.Duration, d3.Duration });
        Assert.Equal(2, d3.EscalationLevel);
    }

    [Fact]
    public void Offences_older_than_the_offence_memory_no_longer_escalate()
    {
        var history = new InMemoryOffenceHistory();
        history.RecordOffence(NetPrefix.Parse("203.0.113.9"), Some.Start - TimeSpan.FromDays(31), Hour);
        history.RecordOffence(NetPrefix.Parse("203.0.113.9"), Some.Start - TimeSpan.FromDays(2), Hour);

        var d = Some.Policy(history: history).Decide(Some.Verdict("203.0.113.9"), Some.Start);

        Assert.Equal(1, d.EscalationLevel);
        Assert.Equal(2 * Hour, d.Duration);
    }

    [Fact]
    public void Factor_and_jitter_are_configurable_and_jitter_stays_within_its_bound()
    {
        var options = new PolicyOptions { EscalationFactor = 3, JitterSeconds = 120, BaseBan = TimeSpan.FromMinutes(10) };
        var policy = Some.Policy(options: options);
        var now = Some.Start;
        var seen = new HashSet<TimeSpan>();
        var baseTicks = new[] { 10, 30, 90 }.Select(m => TimeSpan.FromMinutes(m)).ToArray();
        for (var i = 0; i < 3; i++)
        {
            var d = policy.Decide(Some.Verdict("198.51.100.44"), now);
            Assert.InRange(d.Duration, baseTicks[i], baseTicks[i] + TimeSpan.FromSeconds(120));
            now = d.ExpiresAt + TimeSpan.FromSeconds(1);
            seen.Add(d.Duration - baseTicks[i]);
        }

        for (var i = 0; i < 40; i++)
        {
            var d = policy.Decide(Some.Verdict(NetAddress.FromV4(0xCB00_7100u + (uint)i)), now);
            seen.Add(d.Duration - TimeSpan.FromMinutes(10));
        }

        Assert.True(seen.Count > 1, "jitter never varied over 43 bans");
    }

    [Fact]
    public void A_source_already_banned_is_not_banned_again_until_its_ban_expires()
    {
        var policy = Some.Policy();
        var d1 = policy.Decide(Some.Verdict("203.0.113.9"), Some.Start);
        var again = policy.Decide(Some.Verdict("203.0.113.9"), Some.Start + TimeSpan.FromMinutes(30));
        var after = policy.Decide(Some.Verdict("203.0.113.9"), d1.ExpiresAt + TimeSpan.FromSeconds(1));

        Assert.Equal(SkipReason.AlreadyBanned, again.SkipReason);
        Assert.Contains("banned until", again.Explanation, StringComparison.Ordinal);
        Assert.Equal(BanAction.Ban, after.Action);
        Assert.Equal(1, after.EscalationLevel);
    }

    [Fact]
    public void Released_and_restored_bans_are_tracked()
    {
        var policy = Some.Policy();
        var target = NetPrefix.Parse("198.51.100.50");
        policy.Restore(target, Some.Start + TimeSpan.FromHours(3));
        Assert.Equal(SkipReason.AlreadyBanned, policy.Decide(Some.Verdict("198.51.100.50"), Some.Start).SkipReason);
        Assert.Equal(1, policy.ActiveBans);

        Assert.True(policy.Release(target));
        var d = policy.Decide(Some.Verdict("198.51.100.50"), Some.Start + TimeSpan.FromMinutes(1));
        Assert.Equal(BanAction.Ban, d.Action);
        // A restored ban is not a new one: the overall rate counts only the real new ban.
        Assert.Equal(1, policy.Counters.Bans);
    }

    [Fact]
    public void The_fourth_banned_member_of_a_24_bans_the_whole_24_with_its_members()
    {
        var policy = Some.Policy();
        var now = Some.Start;
        var decisions = new List<BanDecision>();
        foreach (var last in new[] { 11, 22, 33, 44 })
        {
            decisions.Add(policy.Decide(Some.Verdict($"203.0.113.{last}"), now));
            now += TimeSpan.FromMinutes(5);
        }

        Assert.All(decisions.Take(3), d => Assert.Equal(BanAction.Ban, d.Action));
        var subnet = decisions[3];
        Assert.Equal(BanAction.SubnetBan, subnet.Action);
        Assert.Equal(NetPrefix.Parse("203.0.113.0/24"), subnet.Target);
        Assert.Equal(["203.0.113.11", "203.0.113.22", "203.0.113.33", "203.0.113.44"], subnet.Members.Select(m => m.ToString()).ToArray());
        Assert.Equal(Hour, subnet.Duration);

        // A single unverified probe from inside the banned /24 adds no ban: the /24 covers it.
        var active = policy.ActiveBans;
        var later = policy.Decide(Some.Verdict("203.0.113.99", verified: false, probes: 1), now);
        Assert.Equal(BanAction.Skip, later.Action);
        Assert.Equal(active, policy.ActiveBans);
    }

    [Fact]
    public void A_scanner_still_probing_from_inside_a_banned_24_is_banned_on_its_own()
    {
        // The kernel's /24 rule spares returning guests (@known4, with gating): a scanner that passed gating before
        // its /24 was banned still gets through, so its own verdict must ban it.
        var policy = Some.Policy();
        var now = Some.Start;
        foreach (var last in new[] { 11, 22, 33, 44 })
        {
            policy.Decide(Some.Verdict($"203.0.113.{last}"), now);
        }

        var inside = policy.Decide(Some.Verdict("203.0.113.99", verified: false, probes: 5), now + TimeSpan.FromSeconds(2));
        var again = policy.Decide(Some.Verdict("203.0.113.99", verified: false, probes: 9), now + TimeSpan.FromSeconds(3));

        Assert.Equal(BanAction.Ban, inside.Action);
        Assert.Equal(NetPrefix.Parse("203.0.113.99"), inside.Target);
        Assert.Equal(Hour, inside.Duration);
        Assert.Contains("although 203.0.113.0/24 is banned", inside.Explanation, StringComparison.Ordinal);
        Assert.Equal(SkipReason.AlreadyBanned, again.SkipReason);
        Assert.Equal(1, policy.Counters.SubnetBans);
    }

    [Fact]
    public void Bans_inside_a_banned_24_still_spend_the_per_24_budget()
    {
        var policy = Some.Policy(options: new PolicyOptions { SubnetBudgetPerHour = 6 });
        var now = Some.Start;
        foreach (var last in new[] { 11, 22, 33, 44 })
        {
            policy.Decide(Some.Verdict($"203.0.113.{last}"), now);
        }

        var actions = Enumerable.Range(100, 6).Select(i => policy.Decide(Some.Verdict($"203.0.113.{i}"), now + TimeSpan.FromSeconds(i)).Action).ToList();

        // 3 individual bans before the /24 ban, then 3 more inside it: 6 = the budget; the rest are refused.
        Assert.Equal([BanAction.Ban, BanAction.Ban, BanAction.Ban, BanAction.Skip, BanAction.Skip, BanAction.Skip], actions);
        Assert.Equal(BanBudget.Subnet, policy.Decide(Some.Verdict("203.0.113.200"), now + TimeSpan.FromMinutes(1)).Budget);
    }

    [Fact]
    public void Four_addresses_of_one_64_make_a_64_ban()
    {
        var policy = Some.Policy();
        BanDecision last = null!;
        for (var i = 1; i <= 4; i++)
        {
            last = policy.Decide(Some.Verdict($"2001:db8:7:1::{i:x}"), Some.Start + TimeSpan.FromMinutes(i));
        }

        Assert.Equal(BanAction.SubnetBan, last.Action);
        Assert.Equal(NetPrefix.Parse("2001:db8:7:1::/64"), last.Target);
        Assert.Equal(4, last.Members.Count);
    }

    [Fact]
    public void Members_banned_longer_ago_than_the_window_do_not_count_towards_a_subnet_ban()
    {
        var policy = Some.Policy();
        policy.Decide(Some.Verdict("203.0.113.11"), Some.Start);
        policy.Decide(Some.Verdict("203.0.113.22"), Some.Start + TimeSpan.FromMinutes(10));
        policy.Decide(Some.Verdict("203.0.113.33"), Some.Start + TimeSpan.FromMinutes(20));

        var d = policy.Decide(Some.Verdict("203.0.113.44"), Some.Start + TimeSpan.FromMinutes(75));

        // 203.0.113.11 was banned 75 minutes ago: only 3 members in the last hour.
        Assert.Equal(BanAction.Ban, d.Action);
    }

    [Fact]
    public void A_24_holding_an_allowlisted_address_is_never_banned_whole_its_members_are_banned_one_by_one()
    {
        var policy = Some.Policy(Some.Allowlist(("203.0.113.1", AllowlistSource.Gateway, "gateway 203.0.113.1 (default route via eth0)")));
        var decisions = new List<BanDecision>();
        for (var i = 0; i < 10; i++)
        {
            decisions.Add(policy.Decide(Some.Verdict($"203.0.113.{50 + i}"), Some.Start + TimeSpan.FromMinutes(i)));
        }

        Assert.All(decisions, d =>
        {
            Assert.Equal(BanAction.Ban, d.Action);
            Assert.True(d.Target.IsSingleAddress);
        });
        Assert.Contains("is not banned whole because it holds 203.0.113.1", decisions[3].Explanation, StringComparison.Ordinal);
        Assert.Equal(0, policy.Counters.SubnetBans);
    }

    [Fact]
    public void A_64_verdict_is_a_64_ban_unless_the_64_holds_an_allowlisted_address()
    {
        var policy = Some.Policy(Some.Allowlist(("2001:db8:9:1::5", AllowlistSource.AdminSsh, "admin SSH client (live session)")));

        var clean = policy.Decide(Some.Verdict(SourceKey.ForPrefix64(NetAddress.Parse("2001:db8:9:2::77")), true, 30, 50), Some.Start);
        var guarded = policy.Decide(Some.Verdict(SourceKey.ForPrefix64(NetAddress.Parse("2001:db8:9:1::77")), true, 30, 50), Some.Start);

        Assert.Equal(BanAction.SubnetBan, clean.Action);
        Assert.Equal(NetPrefix.Parse("2001:db8:9:2::/64"), clean.Target);
        Assert.Equal(SkipReason.Allowlisted, guarded.SkipReason);
        Assert.Equal(AllowlistSource.AdminSsh, guarded.AllowlistEntry!.Source);
    }

    [Fact]
    public void Per_subnet_budget_stops_individual_bans_in_one_24_after_16_an_hour()
    {
        // The allowlisted gateway keeps the /24 from a subnet ban, so only the budget stands between a flood and its neighbours.
        var policy = Some.Policy(Some.Allowlist(("198.51.100.1", AllowlistSource.Gateway, "gateway")));
        var bans = 0;
        BanDecision? refused = null;
        for (var i = 0; i < 40; i++)
        {
            var d = policy.Decide(Some.Verdict($"198.51.100.{10 + i}"), Some.Start + TimeSpan.FromSeconds(i));
            bans += d.Action == BanAction.Ban ? 1 : 0;
            refused ??= d.SkipReason == SkipReason.BudgetExhausted ? d : null;
        }

        Assert.Equal(16, bans);
        Assert.Equal(BanBudget.Subnet, refused!.Budget);
        Assert.Contains("16 bans in 198.51.100.0/24", refused.Explanation, StringComparison.Ordinal);
        Assert.Equal(24, policy.Counters.SkippedSubnetBudget);

        // An hour later the budget has room again.
        var later = policy.Decide(Some.Verdict("198.51.100.200"), Some.Start + TimeSpan.FromMinutes(61));
        Assert.Equal(BanAction.Ban, later.Action);
    }

    [Fact]
    public void Overall_rate_and_concurrent_budgets_hold()
    {
        var options = new PolicyOptions { BansPerMinute = 50, MaxActiveBans = 120, SubnetBanMembers = 0 };
        var policy = Some.Policy(options: options);
        var bansPerMinute = new int[5];
        for (var i = 0; i < 5 * 1000; i++)
        {
            var minute = i / 1000;
            var d = policy.Decide(Some.Verdict(NetAddress.FromV4(0x0A00_0000u + (uint)(i * 256))), Some.Start + TimeSpan.FromMinutes(minute) + TimeSpan.FromMilliseconds(i % 1000 * 50));
            bansPerMinute[minute] += d.Action == BanAction.Ban ? 1 : 0;
        }

        Assert.Equal([50, 50, 20, 0, 0], bansPerMinute);
        Assert.Equal(120, policy.ActiveBans);
        Assert.True(policy.Counters.SkippedRateBudget > 0);
        Assert.True(policy.Counters.SkippedConcurrentBudget > 0);
    }

    [Fact]
    public void Dry_run_marks_decisions_and_spends_no_budget_of_real_bans()
    {
        var options = new PolicyOptions { BansPerMinute = 10, DryRun = true };
        var history = new InMemoryOffenceHistory();
        var policy = Some.Policy(history: history, options: options);

        var dry = new List<BanDecision>();
        for (var i = 0; i < 20; i++)
        {
            dry.Add(policy.Decide(Some.Verdict(NetAddress.FromV4(0xC000_0200u + (uint)i * 0x100)), Some.Start));
        }

        Assert.All(dry, d => Assert.True(d.DryRun));
        Assert.All(dry, d => Assert.False(d.Enforce));
        Assert.Equal(10, dry.Count(d => d.Action == BanAction.Ban));
        Assert.StartsWith("dry run: would ban", dry[0].Explanation, StringComparison.Ordinal);
        Assert.Equal(BanBudget.Rate, dry[^1].Budget);
        Assert.Equal(0, history.Count);

        // Switched to real: the full budget is there, nothing is "already banned", and escalation starts at 1 h.
        policy.DryRun = false;
        var real = new List<BanDecision>();
        for (var i = 0; i < 20; i++)
        {
            real.Add(policy.Decide(Some.Verdict(NetAddress.FromV4(0xC000_0200u + (uint)i * 0x100)), Some.Start + TimeSpan.FromSeconds(1)));
        }

        Assert.Equal(10, real.Count(d => d.Action == BanAction.Ban && d.Enforce && d.Duration == Hour));
        Assert.Equal(10, policy.Counters.Bans);
        Assert.Equal(10, policy.DryRunCounters.Bans);
    }

    [Fact]
    public void Invalid_options_stop_startup_with_every_problem_named()
    {
        var options = new PolicyOptions { BaseBan = TimeSpan.Zero, EscalationFactor = 0.5, MinUnverifiedProbes = 1, BansPerMinute = 0 };

        var problems = options.Validate();

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("policy.ban_time", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("policy.ban_factor", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("policy.min_unverified_probes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("policy.bans_per_minute", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => Some.Policy(options: options));
    }
}
