using PortVeil.Enforcement.Nftables;

namespace PortVeil.Enforcement.Tests.Nftables;

/// <summary>
/// The wary gate (kernel.gating_wary): a never-seen source that tried an unserved port is marked in @wary, and its
/// first SYN to a served port keeps every SYN of it out for 2.5 s (@pending_wary). These tests pin the rules' order and
/// their fail-open shape; the behaviour in a real kernel is in the integration tests (WaryGatingTests).
/// </summary>
public class RulesetWaryGateTests
{
    private static int Index(List<string> rules, string part) => rules.FindIndex(r => r.Contains(part, StringComparison.Ordinal));

    [Fact]
    public void A_wary_source_is_dropped_before_the_retransmit_accept_and_marked_before_the_first_contact_drop()
    {
        var rules = RulesetChains.Rules(new PortVeilRulesetOptions(), PortVeilRuleset.ServedChain);

        foreach (var (pendingWary, wary, young) in new[] { ("@pending_wary4", "@wary4", "@pending_young4"), ("@pending_wary6", "@wary6", "@pending_young6") })
        {
            var drop = rules.FindIndex(r => r.Contains(pendingWary, StringComparison.Ordinal) && !r.Contains("\"add\"", StringComparison.Ordinal));
            Assert.True(drop >= 0, pendingWary + " drop");
            Assert.Contains("\"prefix\":\"pv:gated\"", rules[drop], StringComparison.Ordinal);
            Assert.EndsWith("""{"drop":null}]""", rules[drop], StringComparison.Ordinal);

            // The retransmit accept (pending, no longer young) comes after the drop, so the 1 s retransmit cannot pass.
            var retransmit = rules.FindIndex(r => r.Contains("update", StringComparison.Ordinal) && r.Contains(young, StringComparison.Ordinal));
            Assert.True(drop < retransmit);

            // The mark has no verdict (a full @pending_wary ends only it) and comes right before the first-contact drop.
            var mark = Index(rules, wary + "\"");
            Assert.Contains("\"op\":\"add\",\"elem\"", rules[mark], StringComparison.Ordinal);
            Assert.Contains(pendingWary, rules[mark], StringComparison.Ordinal);
            Assert.DoesNotContain("\"drop\"", rules[mark], StringComparison.Ordinal);
            Assert.DoesNotContain("\"accept\"", rules[mark], StringComparison.Ordinal);
            Assert.Contains(young, rules[mark + 1], StringComparison.Ordinal);
            Assert.Contains("\"op\":\"add\",\"elem\"", rules[mark + 1], StringComparison.Ordinal);
            Assert.EndsWith("""{"drop":null}]""", rules[mark + 1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unserved_tcp_and_udp_attempts_from_sources_not_known_mark_them_wary_without_a_verdict()
    {
        var rules = RulesetChains.Rules(new PortVeilRulesetOptions(), PortVeilRuleset.UnservedChain);

        foreach (var (wary, known) in new[] { ("@wary4", "@known4"), ("@wary6", "@known6") })
        {
            var mark = Assert.Single(rules, r => r.Contains(wary, StringComparison.Ordinal));
            Assert.Contains("""{"set":["tcp","udp"]}""", mark, StringComparison.Ordinal);
            Assert.Contains(known, mark, StringComparison.Ordinal);
            Assert.Contains("\"op\":\"update\"", mark, StringComparison.Ordinal);
            Assert.DoesNotContain("\"drop\"", mark, StringComparison.Ordinal);
        }

        // Before the reflex meter and the final drop: every attempt that reaches the chain is seen.
        Assert.True(Index(rules, "@wary6") < Index(rules, "@reflex4"));
    }

    [Fact]
    public void The_wary_sets_exist_only_with_gating_and_the_option_and_pending_wary_holds_2500_ms()
    {
        var on = new PortVeilRuleset(new PortVeilRulesetOptions());
        Assert.Contains(PortVeilRuleset.Wary4, on.ExpectedSets);
        Assert.Contains(PortVeilRuleset.PendingWary6, on.ExpectedSets);
        Assert.Contains("pending_wary4 { type ipv4_addr; flags timeout; timeout 2500ms; size 65536; }", on.NativePrelude(), StringComparison.Ordinal);

        foreach (var options in new[] { new PortVeilRulesetOptions { GatingWary = false }, new PortVeilRulesetOptions { FirstContactGating = false } })
        {
            var off = new PortVeilRuleset(options);
            Assert.DoesNotContain(PortVeilRuleset.Wary4, off.ExpectedSets);
            Assert.DoesNotContain(PortVeilRuleset.PendingWary4, off.ExpectedSets);
            Assert.DoesNotContain("wary", off.NativePrelude(), StringComparison.Ordinal);
            Assert.DoesNotContain(RulesetChains.Rules(options, PortVeilRuleset.ServedChain), r => r.Contains("wary", StringComparison.Ordinal));
            Assert.DoesNotContain(RulesetChains.Rules(options, PortVeilRuleset.UnservedChain), r => r.Contains("wary", StringComparison.Ordinal));
        }

        var plain = new PortVeilRuleset(new PortVeilRulesetOptions { GatingWary = false }).ExpectedRuleCounts;
        Assert.Equal(plain[PortVeilRuleset.ServedChain] + 4, on.ExpectedRuleCounts[PortVeilRuleset.ServedChain]);
        Assert.Equal(plain[PortVeilRuleset.UnservedChain] + 2, on.ExpectedRuleCounts[PortVeilRuleset.UnservedChain]);
    }

    [Fact]
    public void A_gating_hold_shorter_than_4_s_is_refused_with_the_wary_gate_only()
    {
        var e = Assert.Throws<ArgumentException>(() => new PortVeilRulesetOptions { GatingHold = TimeSpan.FromSeconds(3) }.Validate());
        Assert.Contains("GatingHold must be at least 4 s with GatingWary", e.Message, StringComparison.Ordinal);

        new PortVeilRulesetOptions { GatingHold = TimeSpan.FromSeconds(3), GatingWary = false }.Validate();
        new PortVeilRulesetOptions { GatingHold = TimeSpan.FromSeconds(3), FirstContactGating = false }.Validate();
    }
}
