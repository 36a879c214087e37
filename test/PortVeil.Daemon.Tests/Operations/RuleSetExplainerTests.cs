using System.Text.Json.Nodes;
using PortVeil.Daemon.Operations;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Daemon.Tests.Operations;

/// <summary>
/// Data/portveil-table.json is `nft -j list table inet portveil` (libnftables 1.0.6) of a table the daemon built in
/// a throwaway namespace: `portveil run` with `kernel.raw_syn_drop = true`, `kernel.log_replies = true`,
/// `kernel.always_served = "tcp/8080"`, `policy.allow = ["192.0.2.0/24"]` (gating, UDP gating, spoof chain, stealth log and
/// suspect rules and the gating probe limit on by default), then `portveil bans add 203.0.113.9` and `portveil bans add 198.51.100.0/24`
/// (one element in banned4, one in banned4_24; the warm-up sets warmup4/warmup6 are empty again after start).
/// Data/portveil-table-udp-gating-off.json: the same way (2026-11-25, throwaway namespace, the same options and
/// `kernel.gating_udp = false`, no bans added). Both re-captured 2026-11-26 when the wary gate (kernel.gating_wary,
/// on by default: sets wary4/6 and pending_wary4/6) was added; the diff added only its sets and rules.
/// </summary>
public sealed class RuleSetExplainerTests
{
    private static readonly string Listing = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Operations", "Data", "portveil-table.json"));

    [Fact]
    public void Every_rule_set_and_chain_PortVeil_builds_is_recognised_and_explained()
    {
        var e = RuleSetExplainer.Explain(Listing);

        Assert.Equal("portveil", e.Table);
        Assert.Equal("1.0.6", e.NftVersion);
        Assert.All(e.Chains.SelectMany(c => c.Rules), r => Assert.True(r.Known, r.Chain + ": " + r.Text));
        Assert.Equal(0, e.UnknownRules);
        Assert.All(e.Sets, s => Assert.True(s.Known, s.Name));
        var expected = new PortVeilRuleset(new PortVeilRulesetOptions { RawSynFingerprint = true, LogReplies = true });
        foreach (var (chain, count) in expected.ExpectedRuleCounts)
        {
            Assert.Equal(count, e.Chains.Single(c => c.Name == chain).Rules.Count);
        }

        Assert.Equal(expected.ExpectedSets.Order(), e.Sets.Select(s => s.Name).Order());
    }

    [Fact]
    public void By_default_udp_is_gated_with_its_own_sets_and_fails_open_before_the_tcp_rules()
    {
        var e = RuleSetExplainer.Explain(Listing);

        var served = e.Chains.Single(c => c.Name == PortVeilRuleset.ServedChain).Rules.ToList();
        Assert.DoesNotContain(served, r => r.Explanation.StartsWith("Non-TCP attempts", StringComparison.Ordinal));
        var others = served.Single(r => r.Text.StartsWith("meta l4proto != { tcp, udp }", StringComparison.Ordinal));
        Assert.Contains("kernel.gating_udp is on", others.Explanation, StringComparison.Ordinal);
        var firstUdp = served.Single(r => r.Sets.Contains("pending_udp4") && r.Text.Contains("add @pending_udp4", StringComparison.Ordinal));
        Assert.StartsWith("meta l4proto udp ", firstUdp.Text, StringComparison.Ordinal);
        Assert.StartsWith("UDP first contact: the first datagram of a never-seen IPv4 source", firstUdp.Explanation, StringComparison.Ordinal);
        var udpFailOpen = served.FindIndex(r => r.Explanation.StartsWith("UDP gating fails open", StringComparison.Ordinal));
        Assert.True(udpFailOpen > served.IndexOf(firstUdp));
        Assert.True(udpFailOpen < served.FindIndex(r => r.Sets.Contains("pending_young4")), "no UDP datagram reaches TCP's gate");
        Assert.StartsWith("meta l4proto tcp ", served[^1].Text, StringComparison.Ordinal);
        Assert.StartsWith("Gating fails open: a first SYN whose", served[^1].Explanation, StringComparison.Ordinal);

        // Own hold for UDP (30 s, WireGuard resends every 5 s); TCP's stays 5 s.
        Assert.Equal(30, e.Sets.Single(s => s.Name == "pending_udp4").TimeoutSeconds);
        Assert.Equal(5, e.Sets.Single(s => s.Name == "pending4").TimeoutSeconds);
        Assert.Contains("remembered 30s", e.Sets.Single(s => s.Name == "pending_udp6").Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void With_udp_gating_off_every_rule_is_explained_and_udp_is_waved_through()
    {
        var listing = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Operations", "Data", "portveil-table-udp-gating-off.json"));

        var e = RuleSetExplainer.Explain(listing);

        Assert.Equal(0, e.UnknownRules);
        Assert.All(e.Chains.SelectMany(c => c.Rules), r => Assert.True(r.Known, r.Chain + ": " + r.Text));
        Assert.All(e.Sets, s => Assert.True(s.Known, s.Name));
        var expected = new PortVeilRuleset(new PortVeilRulesetOptions { RawSynFingerprint = true, LogReplies = true, GateUdp = false });
        foreach (var (chain, count) in expected.ExpectedRuleCounts)
        {
            Assert.Equal(count, e.Chains.Single(c => c.Name == chain).Rules.Count);
        }

        Assert.Equal(expected.ExpectedSets.Order(), e.Sets.Select(s => s.Name).Order());
        Assert.DoesNotContain(e.Sets, s => s.Name.StartsWith("pending_udp", StringComparison.Ordinal));
        var served = e.Chains.Single(c => c.Name == PortVeilRuleset.ServedChain).Rules;
        var nonTcp = served.Single(r => r.Text.StartsWith("meta l4proto != tcp ", StringComparison.Ordinal));
        Assert.StartsWith("Non-TCP attempts on served ports are logged and accepted", nonTcp.Explanation, StringComparison.Ordinal);
        Assert.StartsWith("meta l4proto tcp ", served[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_ban_rule_is_rendered_in_nft_syntax_with_its_counter_and_set()
    {
        var e = RuleSetExplainer.Explain(Listing);

        var raw = e.Chains.Single(c => c.Name == "raw");
        Assert.Equal("prerouting", raw.Hook);
        Assert.Equal(-300, raw.Priority);
        var ban = raw.Rules.Single(r => r.Sets.Contains("banned4"));
        Assert.Equal("ip saddr @banned4 counter packets 0 bytes 0 drop", ban.Text);
        Assert.Equal(0, ban.Packets);
        Assert.StartsWith("Drops every packet from an IPv4 address the daemon banned", ban.Explanation, StringComparison.Ordinal);
        var banned4 = e.Sets.Single(s => s.Name == "banned4");
        Assert.Equal(1, banned4.Elements);
    }

    [Fact]
    public void The_24_ban_rule_masks_the_source_and_comes_after_the_allowlist_accept()
    {
        var e = RuleSetExplainer.Explain(Listing);

        var raw = e.Chains.Single(c => c.Name == "raw");
        var rule = raw.Rules.Single(r => r.Sets.Contains("banned4_24"));
        Assert.Equal("ip saddr & 255.255.255.0 @banned4_24 ip saddr != @known4 counter packets 0 bytes 0 drop", rule.Text);
        Assert.Contains("returning guests (in known4) are spared", rule.Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Drops every packet from an address whose /24 network is banned", rule.Explanation, StringComparison.Ordinal);
        Assert.True(raw.Rules.ToList().FindIndex(r => r.Sets.Contains("allow4")) < raw.Rules.ToList().IndexOf(rule), "the allowlist accept comes first");
        var set = e.Sets.Single(s => s.Name == "banned4_24");
        Assert.Equal(1, set.Elements);
        Assert.StartsWith("IPv4 /24 networks the daemon banned", set.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wary_gate_rules_and_sets_are_rendered_and_explained()
    {
        var e = RuleSetExplainer.Explain(Listing);

        var unserved = e.Chains.Single(c => c.Name == "unserved").Rules.ToList();
        var mark = unserved.Single(r => r.Sets.Contains("wary4"));
        Assert.Equal("meta l4proto { tcp, udp } ip saddr != @known4 update @wary4 { ip saddr }", mark.Text);
        Assert.StartsWith("Wary gate: a never-seen IPv4 source (not known) that tries an unserved TCP or UDP port", mark.Explanation, StringComparison.Ordinal);
        Assert.True(unserved.IndexOf(mark) < unserved.FindIndex(r => r.Sets.Contains("reflex4")));

        var served = e.Chains.Single(c => c.Name == PortVeilRuleset.ServedChain).Rules.ToList();
        var drop = served.Single(r => r.Sets.SequenceEqual(["pending_wary4"]));
        Assert.StartsWith("ip saddr @pending_wary4 log prefix \"pv:gated\"", drop.Text, StringComparison.Ordinal);
        Assert.EndsWith("drop", drop.Text, StringComparison.Ordinal);
        Assert.StartsWith("Wary gate: a SYN from an IPv4 source", drop.Explanation, StringComparison.Ordinal);
        Assert.True(served.IndexOf(drop) < served.FindIndex(r => r.Text.Contains("update @known4", StringComparison.Ordinal) && r.Sets.Contains("pending_young4")),
            "before the retransmit accept");
        var remember = served.Single(r => r.Sets.Contains("wary6"));
        Assert.Equal("ip6 saddr @wary6 ip6 saddr != @pending6 add @pending_wary6 { ip6 saddr }", remember.Text);
        Assert.StartsWith("Wary gate: the first SYN of a never-seen IPv6 source", remember.Explanation, StringComparison.Ordinal);

        Assert.Equal(600, e.Sets.Single(s => s.Name == "wary4").TimeoutSeconds);
        Assert.Contains("within the last 10m", e.Sets.Single(s => s.Name == "wary6").Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Wary sources whose first SYN", e.Sets.Single(s => s.Name == "pending_wary4").Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gating_probe_limit_rules_are_rendered_and_explained()
    {
        var e = RuleSetExplainer.Explain(Listing);

        var unserved = e.Chains.Single(c => c.Name == "unserved");
        var meter = unserved.Rules.Single(r => r.Sets.Contains("probed4"));
        Assert.Equal(
            "ip saddr != @probers4 ip saddr . meta l4proto . th dport != @probed4 add @probed4 { ip saddr . meta l4proto . th dport } update @probe_meter4 { ip saddr limit rate over 3/minute burst 3 packets } add @probers4 { ip saddr }",
            meter.Text);
        Assert.StartsWith("Gating probe limit: a new IPv4 (source . protocol . port)", meter.Explanation, StringComparison.Ordinal);

        // Kept out before any gating rule lets a retransmit through, after the known-source accepts.
        var served = e.Chains.Single(c => c.Name == "served").Rules.ToList();
        var keptOut = served.FindIndex(r => r.Sets.SequenceEqual(["probers4"]));
        Assert.True(keptOut > served.FindIndex(r => r.Sets.Contains("known4") && r.Text.EndsWith("accept", StringComparison.Ordinal)));
        Assert.True(keptOut < served.FindIndex(r => r.Sets.Contains("pending_young4")));
        Assert.StartsWith("Gating probe limit: a never-seen IPv4 source", served[keptOut].Explanation, StringComparison.Ordinal);
        Assert.EndsWith("for 10m.", e.Sets.Single(s => s.Name == "probers4").Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_PortVeil_does_not_make_is_shown_raw_and_flagged_not_hidden()
    {
        var doc = JsonNode.Parse(Listing)!;
        var items = doc["nftables"]!.AsArray();
        items.Add(JsonNode.Parse("""{"rule": {"family": "inet", "table": "portveil", "chain": "mangle", "handle": 99, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 31337}}, {"queue": {"num": 3}}]}}"""));

        var e = RuleSetExplainer.Explain(doc.ToJsonString());

        Assert.Equal(1, e.UnknownRules);
        var foreign = e.Chains.Single(c => c.Name == "mangle").Rules.Single(r => r.Handle == 99);
        Assert.False(foreign.Known);
        Assert.Contains("\"queue\"", foreign.Raw, StringComparison.Ordinal);
        Assert.Contains("Not a rule PortVeil makes", foreign.Explanation, StringComparison.Ordinal);
    }
}
