using System.Text.Json.Nodes;
using PortVeil.Daemon.Operations;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Daemon.Tests.Operations;

/// <summary>
/// Data/portveil-table.json is `list table inet portveil` as libnftables 1.0.6 wrote it for a table built with every
/// option on (gating, raw-SYN fingerprint, replies), one ban, one served port and one allow block (re-listed
/// with chain spoof, the stealth log and the suspect rules in place).
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
