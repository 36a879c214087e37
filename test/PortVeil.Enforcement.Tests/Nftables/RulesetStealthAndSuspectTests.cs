using System.Text.Json;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Enforcement.Tests.Nftables;

/// <summary>The JSON PortVeil sends libnftables for the stealth-probe log and the suspect (decoy) restriction.</summary>
public class RulesetStealthAndSuspectTests
{
    private static List<JsonElement> MangleRules(PortVeilRulesetOptions options, out JsonDocument doc)
    {
        var b = new NftTableBuilder("portveil");
        new PortVeilRuleset(options).AppendTo(b);
        doc = JsonDocument.Parse(b.ToJsonString());
        var rules = new List<JsonElement>();
        foreach (var cmd in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (cmd.TryGetProperty("add", out var add) && add.TryGetProperty("rule", out var rule) && rule.GetProperty("chain").GetString() == "mangle")
            {
                rules.Add(rule.GetProperty("expr"));
            }
        }

        return rules;
    }

    private static int IndexOf(List<JsonElement> rules, Func<string, bool> match) => rules.FindIndex(r => match(r.GetRawText()));

    [Fact]
    public void Stealth_probes_are_logged_rate_limited_just_before_the_invalid_drop()
    {
        var rules = MangleRules(new PortVeilRulesetOptions { StealthLogRate = 37 }, out var doc);
        using var owned = doc;

        var log = IndexOf(rules, t => t.Contains("\"pv:stealth\"", StringComparison.Ordinal));
        var drop = IndexOf(rules, t => t.Contains("\"invalid\"", StringComparison.Ordinal) && t.Contains("\"drop\"", StringComparison.Ordinal));
        Assert.True(log >= 0 && drop == log + 1, $"log at {log}, invalid drop at {drop}");

        var expr = rules[log].EnumerateArray().ToList();
        var ct = expr[0].GetProperty("match");
        Assert.Equal("state", ct.GetProperty("left").GetProperty("ct").GetProperty("key").GetString());
        Assert.Equal("invalid", ct.GetProperty("right").GetString());
        Assert.Equal("tcp", expr[1].GetProperty("match").GetProperty("right").GetString());

        // flags & (fin|syn|rst|ack) in {0, fin, fin|ack}: NULL, FIN, XMAS, odd, Maimon; never SYN, RST or ACK alone.
        var flags = expr[2].GetProperty("match");
        Assert.Equal(["fin", "syn", "rst", "ack"], flags.GetProperty("left").GetProperty("&")[1].EnumerateArray().Select(e => e.GetString()!).ToArray());
        var set = flags.GetProperty("right").GetProperty("set");
        Assert.Equal(0, set[0].GetInt32());
        Assert.Equal("fin", set[1].GetString());
        Assert.Equal(["fin", "ack"], set[2].GetProperty("|").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var limit = expr[3].GetProperty("limit");
        Assert.Equal(37, limit.GetProperty("rate").GetInt32());
        Assert.Equal(37, limit.GetProperty("burst").GetInt32());
        Assert.Equal("second", limit.GetProperty("per").GetString());
        Assert.False(limit.TryGetProperty("inv", out var inv) && inv.GetBoolean());

        var nflog = expr[4].GetProperty("log");
        Assert.Equal(PortVeilRulesetDefaults.NflogGroup, nflog.GetProperty("group").GetInt32());
    }

    [Fact]
    public void Stealth_logging_off_leaves_the_invalid_drop_unlogged()
    {
        var rules = MangleRules(new PortVeilRulesetOptions { LogStealthProbes = false }, out var doc);
        using var owned = doc;

        Assert.Equal(-1, IndexOf(rules, t => t.Contains("pv:stealth", StringComparison.Ordinal)));
        Assert.True(IndexOf(rules, t => t.Contains("\"invalid\"", StringComparison.Ordinal)) >= 0);
    }

    [Fact]
    public void Suspects_lose_raw_probes_and_non_TCP_flows_after_established_traffic_is_accepted()
    {
        var rules = MangleRules(new PortVeilRulesetOptions(), out var doc);
        using var owned = doc;

        var established = IndexOf(rules, t => t.Contains("\"established\"", StringComparison.Ordinal));
        foreach (var set in (string[])["@suspect4", "@suspect6"])
        {
            var notTcp = IndexOf(rules, t => t.Contains(set, StringComparison.Ordinal) && t.Contains("\"!=\"", StringComparison.Ordinal));
            var noSack = IndexOf(rules, t => t.Contains(set, StringComparison.Ordinal) && t.Contains("sack-perm", StringComparison.Ordinal));
            Assert.True(notTcp > established && noSack > established, $"{set}: {notTcp}, {noSack} after {established}");

            // Before anything that could accept the probe (served chain, gating).
            var served = IndexOf(rules, t => t.Contains("\"served\"", StringComparison.Ordinal) && t.Contains("jump", StringComparison.Ordinal));
            Assert.True(noSack < served);
            var missing = rules[noSack].EnumerateArray().First(e => e.GetRawText().Contains("sack-perm", StringComparison.Ordinal)).GetProperty("match");
            Assert.False(missing.GetProperty("right").GetBoolean());
            Assert.Contains("\"drop\"", rules[noSack].GetRawText(), StringComparison.Ordinal);
        }

        var ruleset = new PortVeilRuleset(new PortVeilRulesetOptions());
        Assert.Contains(PortVeilRuleset.Suspect4, ruleset.ExpectedSets);
        Assert.Contains(PortVeilRuleset.Suspect6, ruleset.ExpectedSets);
    }

    [Fact]
    public void A_stealth_log_rate_out_of_range_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new PortVeilRuleset(new PortVeilRulesetOptions { StealthLogRate = 0 }));
        Assert.Contains(nameof(PortVeilRulesetOptions.StealthLogRate), e.Message, StringComparison.Ordinal);
    }
}
