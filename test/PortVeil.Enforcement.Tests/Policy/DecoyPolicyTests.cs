using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Enforcement.Tests.Support;
using Samples = PortVeil.TestSupport.Samples;

namespace PortVeil.Enforcement.Tests.Policy;

public class DecoyPolicyTests
{
    private static readonly string[] Cohort = ["198.51.100.201", "198.51.100.202", "198.51.100.203", "198.51.100.101"];

    /// <summary>A verdict as the engine makes it for an unverified member of a decoy cohort.</summary>
    private static Verdict Member(string address, bool verified = false, bool cohort = true, int probes = 4) =>
        Samples.Some.Verdict(
            SourceKey.ForAddress(NetAddress.Parse(address)),
            Some.Start,
            Some.WindowEvidence(probes, open: [], group: cohort ? [.. Cohort.Select(NetAddress.Parse)] : []),
            verified: verified,
            decoyCohort: cohort);

    [Fact]
    public void Every_unverified_member_of_a_decoy_cohort_is_restricted_not_banned()
    {
        var policy = Some.Policy();

        var decisions = Cohort.Select(a => policy.Decide(Member(a), Some.Start)).ToList();

        Assert.All(decisions, d =>
        {
            Assert.Equal(BanAction.Restrict, d.Action);
            Assert.True(d.Enforce);
            Assert.Equal(TimeSpan.FromHours(1), d.Duration);
            Assert.Equal(0, d.EscalationLevel);
            Assert.StartsWith(RestrictionRecords.ReasonPrefix, d.Explanation, StringComparison.Ordinal);
            Assert.True(RestrictionRecords.IsRestriction(d.Explanation));
            Assert.Contains("decoy cohort", d.Explanation, StringComparison.Ordinal);
            Assert.Equal(4, d.Members.Count);
        });
        Assert.Equal(0, policy.Counters.Bans + policy.Counters.SubnetBans);
        Assert.Equal(4, policy.Restrictions);
        Assert.Equal(0, policy.ActiveBans);
    }

    [Fact]
    public void Restrictions_never_count_towards_a_subnet_ban_nor_as_offences()
    {
        var history = new InMemoryOffenceHistory();
        var policy = Some.Policy(history: history);

        // Twelve cohort members in one /24: four ordinary bans there would make a subnet ban.
        for (var i = 1; i <= 12; i++)
        {
            Assert.Equal(BanAction.Restrict, policy.Decide(Member($"198.51.100.{i}"), Some.Start + TimeSpan.FromSeconds(i)).Action);
        }

        var ordinary = policy.Decide(Some.Verdict("198.51.100.50", verified: false, probes: 10), Some.Start + TimeSpan.FromMinutes(1));
        Assert.Equal(BanAction.Ban, ordinary.Action);
        Assert.Equal(0, history.CountOffences(NetPrefix.ForAddress(NetAddress.Parse("198.51.100.3")), Some.Start - TimeSpan.FromDays(1)));
    }

    [Fact]
    public void A_restricted_suspect_is_not_restricted_again_until_a_verified_verdict_bans_it_fully()
    {
        var policy = Some.Policy();
        var first = policy.Decide(Member("198.51.100.201"), Some.Start);
        var again = policy.Decide(Member("198.51.100.201"), Some.Start + TimeSpan.FromSeconds(5));
        var unverifiedOrdinary = policy.Decide(Member("198.51.100.201", cohort: false), Some.Start + TimeSpan.FromSeconds(6));
        var verified = policy.Decide(Member("198.51.100.201", verified: true, cohort: false), Some.Start + TimeSpan.FromSeconds(10));

        Assert.Equal(BanAction.Restrict, first.Action);
        Assert.Equal(SkipReason.AlreadyRestricted, again.SkipReason);
        Assert.Equal(SkipReason.AlreadyRestricted, unverifiedOrdinary.SkipReason);
        Assert.Equal(BanAction.Ban, verified.Action);
        Assert.StartsWith("ban ", verified.Explanation, StringComparison.Ordinal);
        Assert.Equal(1, policy.ActiveBans);
    }

    [Fact]
    public void Restrictions_have_their_own_budget_and_leave_the_ban_budget_untouched()
    {
        var policy = Some.Policy(options: new PolicyOptions { SuspectsPerMinute = 3, BansPerMinute = 2 });

        var restricted = Enumerable.Range(1, 5).Select(i => policy.Decide(Member($"192.0.2.{i}"), Some.Start)).ToList();
        var bans = Enumerable.Range(1, 2).Select(i => policy.Decide(Some.Verdict($"203.0.113.{i}"), Some.Start)).ToList();

        Assert.Equal(3, restricted.Count(d => d.Action == BanAction.Restrict));
        Assert.Equal(2, restricted.Count(d => d.Budget == BanBudget.Rate));
        Assert.All(bans, d => Assert.Equal(BanAction.Ban, d.Action));
    }

    [Fact]
    public void Allowlist_still_wins_over_a_restriction_and_dry_run_restricts_nothing()
    {
        var policy = Some.Policy(Some.Allowlist(("198.51.100.201", AllowlistSource.Gateway, "gateway")));
        Assert.Equal(SkipReason.Allowlisted, policy.Decide(Member("198.51.100.201"), Some.Start).SkipReason);

        var dry = Some.Policy(options: new PolicyOptions { DryRun = true });
        var d = dry.Decide(Member("198.51.100.202"), Some.Start);
        Assert.Equal(BanAction.Restrict, d.Action);
        Assert.False(d.Enforce);
        Assert.StartsWith(RestrictionRecords.DryRunReasonPrefix, d.Explanation, StringComparison.Ordinal);
        Assert.Equal(0, dry.Restrictions);
    }

    [Fact]
    public void Single_source_scans_are_banned_exactly_as_before()
    {
        var d = Some.Policy().Decide(Member("198.51.100.101", cohort: false), Some.Start);

        Assert.Equal(BanAction.Ban, d.Action);
        Assert.False(RestrictionRecords.IsRestriction(d.Explanation));
    }
}
