using PortVeil.Enforcement.Nftables;

namespace PortVeil.Enforcement.Tests.Nftables;

/// <summary>
/// First-contact gating when its sets are full (a spoofed flood): nft ends a rule whose `add`/`update` of a full set
/// fails, so what comes after that rule decides. These tests pin the order that keeps guests working.
/// </summary>
public class RulesetGatingUnderFloodTests
{
    private static List<string> Served(PortVeilRulesetOptions options) => RulesetChains.Rules(options, PortVeilRuleset.ServedChain);

    [Fact]
    public void A_first_SYN_that_could_not_be_remembered_is_logged_as_served_and_accepted_by_the_last_rule()
    {
        var rules = Served(new PortVeilRulesetOptions());

        var last = rules[^1];
        Assert.StartsWith("""[{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"tcp"}},{"log":{"prefix":"pv:served""", last, StringComparison.Ordinal);
        Assert.EndsWith("""{"accept":null}]""", last, StringComparison.Ordinal);

        // All four first-contact rules (TCP and UDP, v4 and v6) come before it and end in drop when their `add @pending` succeeds.
        var firstContact = rules.FindAll(r => r.Contains("\"op\":\"add\",\"elem\"", StringComparison.Ordinal) && r.Contains("@pending", StringComparison.Ordinal)
            && !r.Contains("@pending_wary", StringComparison.Ordinal));
        Assert.Equal(4, firstContact.Count);
        Assert.All(firstContact, r => Assert.True(rules.IndexOf(r) < rules.Count - 1));
    }

    [Fact]
    public void A_first_datagram_that_could_not_be_remembered_is_accepted_by_udp_s_own_rule_before_any_tcp_gating_rule()
    {
        var rules = Served(new PortVeilRulesetOptions());

        const string Udp = """[{"match":{"op":"==","left":{"meta":{"key":"l4proto"}},"right":"udp"}}""";
        var udpFailOpen = rules.FindIndex(r => r.StartsWith(Udp + ",{\"log\":{\"prefix\":\"pv:served", StringComparison.Ordinal));
        Assert.True(udpFailOpen >= 0, "UDP's fail-open rule");
        Assert.EndsWith("""{"accept":null}]""", rules[udpFailOpen], StringComparison.Ordinal);

        // Every UDP gating rule is limited to UDP and comes before it; every TCP gating rule comes after it, so a
        // UDP datagram never meets TCP's 5 s sets and a SYN never meets UDP's 30 s sets.
        var udpRules = rules.FindAll(r => r.Contains("@pending_udp", StringComparison.Ordinal));
        Assert.Equal(8, udpRules.Count);
        Assert.All(udpRules, r => Assert.StartsWith(Udp, r, StringComparison.Ordinal));
        Assert.All(udpRules, r => Assert.True(rules.IndexOf(r) < udpFailOpen));
        var tcpRules = rules.FindAll(r => r.Contains("@pending4", StringComparison.Ordinal) || r.Contains("@pending_young", StringComparison.Ordinal)
            || r.Contains("wary", StringComparison.Ordinal));
        Assert.Equal(12, tcpRules.Count);
        Assert.All(tcpRules, r => Assert.True(rules.IndexOf(r) > udpFailOpen));
    }

    [Fact]
    public void Without_udp_gating_there_are_no_udp_sets_or_rules_and_udp_is_accepted_before_the_gate()
    {
        var options = new PortVeilRulesetOptions { GateUdp = false };
        var rules = Served(options);

        Assert.DoesNotContain(rules, r => r.Contains("@pending_udp", StringComparison.Ordinal));
        Assert.DoesNotContain(PortVeilRuleset.PendingUdp4, new PortVeilRuleset(options).ExpectedSets);
        Assert.DoesNotContain(PortVeilRuleset.PendingUdpYoung4, new PortVeilRuleset(options).NativePrelude(), StringComparison.Ordinal);
        Assert.Contains(PortVeilRuleset.PendingUdpYoung4, new PortVeilRuleset(new PortVeilRulesetOptions()).NativePrelude(), StringComparison.Ordinal);
        Assert.Contains(rules, r => r.StartsWith("""[{"match":{"op":"!=","left":{"meta":{"key":"l4proto"}},"right":"tcp"}}""", StringComparison.Ordinal));
    }

    [Fact]
    public void Remembering_a_retransmitting_source_and_accepting_it_are_separate_rules()
    {
        var rules = Served(new PortVeilRulesetOptions());

        foreach (var (known, pending) in new[] { ("@known4", "@pending4"), ("@known6", "@pending6"), ("@known4", "@pending_udp4"), ("@known6", "@pending_udp6") })
        {
            var update = rules.FindIndex(r => r.Contains("\"update\"", StringComparison.Ordinal) && r.Contains(known, StringComparison.Ordinal)
                && r.Contains(pending + "\"", StringComparison.Ordinal));
            Assert.True(update >= 0, known);

            // No verdict in the update rule: a full @known ends only this rule, and the next one still accepts.
            Assert.DoesNotContain("\"accept\"", rules[update], StringComparison.Ordinal);
            Assert.DoesNotContain("\"drop\"", rules[update], StringComparison.Ordinal);
            var accept = rules[update + 1];
            Assert.Contains(pending, accept, StringComparison.Ordinal);
            Assert.Contains("\"!=\"", accept, StringComparison.Ordinal);
            Assert.EndsWith("""{"accept":null}]""", accept, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_probe_limit_marks_a_source_only_after_every_set_took_its_element_and_never_ends_the_chain()
    {
        var rules = RulesetChains.Rules(new PortVeilRulesetOptions(), PortVeilRuleset.UnservedChain);

        foreach (var (probed, meter, probers) in new[] { ("@probed4", "@probe_meter4", "@probers4"), ("@probed6", "@probe_meter6", "@probers6") })
        {
            var rule = Assert.Single(rules, r => r.Contains(probed, StringComparison.Ordinal));

            // add @probed, then the meter, then @probers: a full set (or a rate still under the limit) ends the rule
            // before anyone is marked, and the rule holds no verdict, so the drop (and the reflex meter) still follow.
            var add = rule.IndexOf("\"op\":\"add\",\"elem\"", StringComparison.Ordinal);
            Assert.True(add >= 0 && add < rule.IndexOf(meter, StringComparison.Ordinal), rule);
            Assert.True(rule.IndexOf(meter, StringComparison.Ordinal) < rule.LastIndexOf(probers, StringComparison.Ordinal), rule);
            Assert.Contains("\"rate\":3,\"burst\":3,\"per\":\"minute\",\"inv\":true", rule, StringComparison.Ordinal);
            Assert.DoesNotContain("\"drop\"", rule, StringComparison.Ordinal);
            Assert.DoesNotContain("\"accept\"", rule, StringComparison.Ordinal);
            Assert.True(rules.IndexOf(rule) < rules.Count - 1, "before the final drop");
        }
    }

    [Fact]
    public void Probers_are_kept_out_after_the_known_accepts_and_before_any_retransmit_is_let_through()
    {
        var rules = Served(new PortVeilRulesetOptions());

        var knownAccept = rules.FindLastIndex(r => r.Contains("@known6", StringComparison.Ordinal) && !r.Contains("update", StringComparison.Ordinal));
        var keptOut = rules.FindIndex(r => r.Contains("@probers4", StringComparison.Ordinal));
        var firstRetransmit = rules.FindIndex(r => r.Contains("@pending_young", StringComparison.Ordinal));
        Assert.True(knownAccept < keptOut && keptOut < firstRetransmit, $"{knownAccept} < {keptOut} < {firstRetransmit}");
        Assert.Contains("pv:gated", rules[keptOut], StringComparison.Ordinal);
        Assert.EndsWith("""{"drop":null}]""", rules[keptOut], StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_probe_limit_there_are_no_probe_sets_or_rules()
    {
        var options = new PortVeilRulesetOptions { GatingProbeLimit = 0 };

        Assert.DoesNotContain(Served(options), r => r.Contains("@probers", StringComparison.Ordinal));
        Assert.DoesNotContain(RulesetChains.Rules(options, PortVeilRuleset.UnservedChain), r => r.Contains("@probed", StringComparison.Ordinal));
        Assert.DoesNotContain(PortVeilRuleset.Probers4, new PortVeilRuleset(options).ExpectedSets);
    }

    [Fact]
    public void Without_gating_the_served_chain_is_a_single_log_and_accept()
    {
        var rules = Served(new PortVeilRulesetOptions { FirstContactGating = false });

        Assert.Single(rules);
        Assert.Contains("pv:served", rules[0], StringComparison.Ordinal);
    }
}
