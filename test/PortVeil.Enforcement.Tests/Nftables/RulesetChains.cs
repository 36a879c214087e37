using System.Text.Json;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Enforcement.Tests.Nftables;

/// <summary>The rules <see cref="PortVeilRuleset"/> adds to one chain, in order, as the JSON of their expressions.</summary>
internal static class RulesetChains
{
    public static List<string> Rules(PortVeilRulesetOptions options, string chain)
    {
        var b = new NftTableBuilder("portveil");
        new PortVeilRuleset(options).AppendTo(b);
        using var doc = JsonDocument.Parse(b.ToJsonString());
        var rules = new List<string>();
        foreach (var cmd in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (cmd.TryGetProperty("add", out var add) && add.TryGetProperty("rule", out var rule) && rule.GetProperty("chain").GetString() == chain)
            {
                rules.Add(rule.GetProperty("expr").GetRawText());
            }
        }

        return rules;
    }
}
