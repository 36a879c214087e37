using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Enforcement.Tests.Support;
using Samples = PortVeil.TestSupport.Samples;

namespace PortVeil.Enforcement.Tests.Policy;

/// <summary>One-probe-per-address campaigns: many members of one /24, each a single unverified SYN.</summary>
public class CampaignPolicyTests
{
    /// <summary>A distributed verdict as the engine makes it for one member sending a single unverified probe.</summary>
    private static Verdict Member(string address, IEnumerable<string> group, int probes = 1, bool verified = false) =>
        Samples.Some.Verdict(
            SourceKey.ForAddress(NetAddress.Parse(address)),
            Some.Start,
            Samples.Some.Evidence(
                Some.Start,
                [1000],
                [],
                ScannerTool.RawSyn,
                DetectorKind.Distributed,
                [.. group.Select(NetAddress.Parse)],
                summary: "Distributed: sources of one /24 touched about 10 distinct closed ports",
                probes: probes,
                score: 10,
                threshold: 10),
            verified: verified);

    private static string[] Members(string prefix, int count) => [.. Enumerable.Range(10, count).Select(i => prefix + i)];

    [Fact]
    public void Eight_single_probe_members_of_one_24_ban_the_whole_24_for_at_most_ten_minutes()
    {
        var policy = Some.Policy();
        var group = Members("203.0.113.", 8);

        var d = policy.Decide(Member(group[^1], group), Some.Start);

        Assert.Equal(BanAction.SubnetBan, d.Action);
        Assert.True(d.Enforce);
        Assert.Equal("203.0.113.0/24", d.Target.ToString());
        Assert.Equal(TimeSpan.FromMinutes(10), d.Duration);
        Assert.Equal(8, d.Members.Count);
        Assert.Contains("campaign: a distributed scan named 8 members of 203.0.113.0/24", d.Explanation, StringComparison.Ordinal);
        Assert.Equal(1, policy.Counters.SubnetBans);
    }

    [Fact]
    public void Seven_single_probe_members_are_not_enough_and_no_member_is_banned()
    {
        var policy = Some.Policy();
        var group = Members("203.0.113.", 7);

        var decisions = group.Select(a => policy.Decide(Member(a, group), Some.Start)).ToList();

        Assert.All(decisions, d =>
        {
            Assert.Equal(BanAction.Skip, d.Action);
            Assert.Equal(SkipReason.UnverifiedSingleProbe, d.SkipReason);
        });
        Assert.Equal(0, policy.ActiveBans);
    }

    [Fact]
    public void Members_of_other_24s_in_the_verdict_do_not_count_towards_the_campaign()
    {
        var policy = Some.Policy();

        // A fingerprint group spanning two /24s: 5 + 5 members, never 8 in one /24.
        string[] group = [.. Members("203.0.113.", 5), .. Members("198.51.100.", 5)];

        var d = policy.Decide(Member(group[0], group), Some.Start);

        Assert.Equal(BanAction.Skip, d.Action);
        Assert.Equal(SkipReason.UnverifiedSingleProbe, d.SkipReason);
    }

    [Fact]
    public void A_24_holding_an_allowlisted_address_is_never_banned_by_a_campaign()
    {
        var allow = Some.Allowlist(("203.0.113.1/32", AllowlistSource.Gateway, "default gateway"));
        var policy = Some.Policy(allow);
        var group = Members("203.0.113.", 16);

        var decisions = group.Select(a => policy.Decide(Member(a, group), Some.Start)).ToList();

        Assert.All(decisions, d => Assert.Equal(BanAction.Skip, d.Action));
        Assert.Contains("does not ban it because it holds 203.0.113.1", decisions[0].Explanation, StringComparison.Ordinal);
        Assert.Equal(0, policy.ActiveBans);
    }

    [Fact]
    public void The_24_is_banned_once_and_later_members_are_skipped_as_already_banned()
    {
        var policy = Some.Policy();
        var group = Members("203.0.113.", 10);

        var decisions = group.Select(a => policy.Decide(Member(a, group), Some.Start + TimeSpan.FromSeconds(1))).ToList();

        Assert.Single(decisions, d => d.Action == BanAction.SubnetBan);
        Assert.Equal(9, decisions.Count(d => d.SkipReason == SkipReason.AlreadyBanned));
        Assert.Equal(1, policy.ActiveBans);
    }

    [Fact]
    public void The_hourly_campaign_budget_caps_how_many_24s_a_spoofer_can_darken()
    {
        var policy = Some.Policy(options: new PolicyOptions { CampaignBansPerHour = 3 });

        var actions = new List<BanAction>();
        for (var net = 1; net <= 6; net++)
        {
            // Six different /24s (the policy only sees addresses here; no packet is sent).
            var group = Members($"198.51.{net}.", 8);
            actions.Add(policy.Decide(Member(group[0], group), Some.Start + TimeSpan.FromMinutes(net)).Action);
        }

        Assert.Equal(3, actions.Count(a => a == BanAction.SubnetBan));
        Assert.Equal(3, actions.Count(a => a == BanAction.Skip));

        // An hour after the first, the budget has room again.
        var later = Members("198.51.9.", 8);
        Assert.Equal(BanAction.SubnetBan, policy.Decide(Member(later[0], later), Some.Start + TimeSpan.FromMinutes(62)).Action);
    }

    [Fact]
    public void One_24_gets_at_most_two_campaign_bans_an_hour()
    {
        var policy = Some.Policy(options: new PolicyOptions { CampaignBanTime = TimeSpan.FromMinutes(1) });
        var group = Members("203.0.113.", 8);

        // Each ban lasts 1 min; the campaign comes back every 5 min.
        var actions = Enumerable.Range(0, 4).Select(i => policy.Decide(Member(group[i], group), Some.Start + TimeSpan.FromMinutes(5 * i)).Action).ToList();

        Assert.Equal([BanAction.SubnetBan, BanAction.SubnetBan, BanAction.Skip, BanAction.Skip], actions);
    }

    [Fact]
    public void Campaign_bans_can_be_switched_off()
    {
        var policy = Some.Policy(options: new PolicyOptions { CampaignMembers = 0 });
        var group = Members("203.0.113.", 16);

        var d = policy.Decide(Member(group[0], group), Some.Start);

        Assert.Equal(SkipReason.UnverifiedSingleProbe, d.SkipReason);
    }

    [Fact]
    public void A_campaign_ban_is_capped_even_for_a_repeat_offender_24()
    {
        var history = new InMemoryOffenceHistory();
        var subnet = NetPrefix.Parse("203.0.113.0/24");
        history.RecordOffence(subnet, Some.Start - TimeSpan.FromDays(2), TimeSpan.FromHours(1));
        history.RecordOffence(subnet, Some.Start - TimeSpan.FromDays(1), TimeSpan.FromHours(2));
        var policy = Some.Policy(history: history);
        var group = Members("203.0.113.", 8);

        var d = policy.Decide(Member(group[0], group), Some.Start);

        Assert.Equal(BanAction.SubnetBan, d.Action);
        Assert.Equal(2, d.EscalationLevel);
        Assert.Equal(TimeSpan.FromMinutes(10), d.Duration);
    }

    [Fact]
    public void Campaign_member_counts_outside_2_to_16_are_rejected_with_their_key()
    {
        Assert.Contains("policy.campaign_members: 0 (off) or between 2 and 16", new PolicyOptions { CampaignMembers = 17 }.Validate());
        Assert.Contains("policy.campaign_members: 0 (off) or between 2 and 16", new PolicyOptions { CampaignMembers = 1 }.Validate());
        Assert.Empty(new PolicyOptions { CampaignMembers = 16 }.Validate());
    }
}
