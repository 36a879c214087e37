using System.Text.Json;
using PortVeil.Enforcement.Doctor;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Enforcement.Tests.Nftables;

/// <summary>The JSON PortVeil sends libnftables for chain `spoof` (reverse-path and local-source checks), and reading its counters back.</summary>
public class RulesetSpoofChecksTests
{
    private static (List<string> Rules, JsonElement? Chain) Spoof(PortVeilRulesetOptions options)
    {
        var b = new NftTableBuilder("portveil");
        new PortVeilRuleset(options).AppendTo(b);
        using var doc = JsonDocument.Parse(b.ToJsonString());
        var rules = new List<string>();
        JsonElement? chain = null;
        foreach (var cmd in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!cmd.TryGetProperty("add", out var add))
            {
                continue;
            }

            if (add.TryGetProperty("rule", out var rule) && rule.GetProperty("chain").GetString() == PortVeilRuleset.SpoofChain)
            {
                rules.Add(rule.GetProperty("expr").GetRawText());
            }
            else if (add.TryGetProperty("chain", out var c) && c.GetProperty("name").GetString() == PortVeilRuleset.SpoofChain)
            {
                chain = c.Clone();
            }
        }

        return (rules, chain);
    }

    [Fact]
    public void By_default_a_base_chain_before_raw_drops_local_source_spoofs_and_strict_reverse_path_failures_with_counters()
    {
        var (rules, chain) = Spoof(new PortVeilRulesetOptions());

        Assert.NotNull(chain);
        Assert.Equal("prerouting", chain.Value.GetProperty("hook").GetString());
        Assert.True(chain.Value.GetProperty("prio").GetInt32() < -300, "must run before raw, where the allowlist (host addresses included) is accepted");
        Assert.Equal(4, rules.Count);
        Assert.Equal("""[{"match":{"op":"==","left":{"meta":{"key":"iifname"}},"right":"lo"}},{"accept":null}]""", rules[0]);
        Assert.Equal(
            """[{"match":{"op":"==","left":{"fib":{"result":"type","flags":["saddr"]}},"right":"local"}},"""
            + """{"match":{"op":"==","left":{"fib":{"result":"type","flags":["daddr"]}},"right":"local"}},{"counter":null},{"drop":null}]""",
            rules[1]);
        Assert.Contains("nd-neighbor-solicit", rules[2], StringComparison.Ordinal);
        Assert.EndsWith("""{"accept":null}]""", rules[2], StringComparison.Ordinal);
        Assert.Equal(
            """[{"match":{"op":"==","left":{"fib":{"result":"oif","flags":["saddr","mark","iif"]}},"right":false}},{"counter":null},{"drop":null}]""",
            rules[3]);
    }

    [Fact]
    public void Loose_reverse_path_filter_asks_only_for_some_route_back_to_the_source()
    {
        var (rules, _) = Spoof(new PortVeilRulesetOptions { ReversePathFilter = ReversePathFilter.Loose, DropLocalSourceSpoofs = false });

        Assert.Equal(3, rules.Count);
        Assert.DoesNotContain(rules, r => r.Contains("\"local\"", StringComparison.Ordinal));
        Assert.Equal("""[{"match":{"op":"==","left":{"fib":{"result":"oif","flags":["saddr"]}},"right":false}},{"counter":null},{"drop":null}]""", rules[2]);
    }

    [Fact]
    public void Reverse_path_filter_off_keeps_only_the_local_source_check()
    {
        var (rules, _) = Spoof(new PortVeilRulesetOptions { ReversePathFilter = ReversePathFilter.Off });

        Assert.Equal(2, rules.Count);
        Assert.DoesNotContain(rules, r => r.Contains("\"oif\"", StringComparison.Ordinal));
        Assert.DoesNotContain(rules, r => r.Contains("nd-neighbor-solicit", StringComparison.Ordinal));
    }

    [Fact]
    public void Both_checks_off_leave_the_chain_empty_and_out_of_the_watchdogs_expected_counts()
    {
        var options = new PortVeilRulesetOptions { ReversePathFilter = ReversePathFilter.Off, DropLocalSourceSpoofs = false };
        var (rules, chain) = Spoof(options);

        // The chain is still created and flushed, so turning the checks off clears rules an earlier run left behind.
        Assert.NotNull(chain);
        Assert.Empty(rules);
        Assert.False(new PortVeilRuleset(options).ExpectedRuleCounts.ContainsKey(PortVeilRuleset.SpoofChain));
        Assert.Equal(4, new PortVeilRuleset(new PortVeilRulesetOptions()).ExpectedRuleCounts[PortVeilRuleset.SpoofChain]);
    }

    [Fact]
    public void Spoof_counters_are_read_per_check_from_a_chain_listing()
    {
        // As nft 1.0.6 lists chain spoof (trimmed to what the reader uses).
        const string Listing = """
            {"nftables": [{"metainfo": {"version": "1.0.6"}},
             {"chain": {"family": "inet", "table": "portveil", "name": "spoof", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -310, "policy": "accept"}},
             {"rule": {"family": "inet", "table": "portveil", "chain": "spoof", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}}, {"accept": null}]}},
             {"rule": {"family": "inet", "table": "portveil", "chain": "spoof", "handle": 3, "expr": [{"match": {"op": "==", "left": {"fib": {"result": "type", "flags": ["saddr"]}}, "right": "local"}}, {"match": {"op": "==", "left": {"fib": {"result": "type", "flags": ["daddr"]}}, "right": "local"}}, {"counter": {"packets": 17, "bytes": 680}}, {"drop": null}]}},
             {"rule": {"family": "inet", "table": "portveil", "chain": "spoof", "handle": 5, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "icmpv6", "field": "type"}}, "right": {"set": ["nd-router-advert"]}}}, {"accept": null}]}},
             {"rule": {"family": "inet", "table": "portveil", "chain": "spoof", "handle": 6, "expr": [{"match": {"op": "==", "left": {"fib": {"result": "oif", "flags": ["saddr", "mark", "iif"]}}, "right": false}}, {"counter": {"packets": 40002, "bytes": 2400120}}, {"drop": null}]}}]}
            """;

        var drops = NftListing.ReadSpoofDrops(Listing);

        Assert.Equal(17, drops.LocalSource);
        Assert.Equal(40_002, drops.ReversePath);
        Assert.Equal(40_019, drops.Total);
    }

    [Fact]
    public void Doctor_warns_about_strict_reverse_path_when_default_routes_leave_by_two_interfaces()
    {
        var proc = Directory.CreateTempSubdirectory("pv-proc-");
        try
        {
            Directory.CreateDirectory(Path.Combine(proc.FullName, "net"));
            Directory.CreateDirectory(Path.Combine(proc.FullName, "sys", "net", "ipv4", "conf", "all"));
            Directory.CreateDirectory(Path.Combine(proc.FullName, "sys", "net", "ipv4", "conf", "default"));
            File.WriteAllText(Path.Combine(proc.FullName, "sys", "net", "ipv4", "conf", "all", "rp_filter"), "2\n");
            File.WriteAllText(Path.Combine(proc.FullName, "sys", "net", "ipv4", "conf", "default", "rp_filter"), "1\n");
            const string Header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
            File.WriteAllText(Path.Combine(proc.FullName, "net", "route"), Header
                + "eth0\t00000000\t017100CB\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
                + "eth0\t007100CB\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
            var single = ReversePathCheck.Inspect(proc.FullName);
            Assert.Equal(CheckStatus.Info, single.Status);
            Assert.Contains("all=2 (loose), default=1 (strict)", single.Detail, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(proc.FullName, "net", "ipv6_route"),
                "00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000000000000000000000001 00000400 00000001 00000000 00000003     wg0\n"
                + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n");
            var two = ReversePathCheck.Inspect(proc.FullName);
            Assert.Equal(CheckStatus.Warning, two.Status);
            Assert.Contains("eth0, wg0", two.Detail, StringComparison.Ordinal);
            Assert.Contains("loose", two.Fix, StringComparison.Ordinal);
        }
        finally
        {
            proc.Delete(recursive: true);
        }
    }
}
