using System.Text.Json;
using PortVeil.Core;

namespace PortVeil.Enforcement.Nftables;

/// <summary>
/// Reads libnftables JSON listings (`{"nftables": [{"metainfo": …}, {"set": …}, {"chain": …}, {"rule": …}]}`).
/// Elements come as a bare value or as `{"elem": {"val": v, "timeout": s, "expires": s, "counter": {…}}}`; nft 1.0.6
/// writes timeouts in whole seconds.
/// </summary>
internal static class NftListing
{
    /// <summary>The elements of one set listing as bans of <paramref name="kind"/>.</summary>
    public static void ReadBans(string json, SourceKeyKind kind, bool byReflex, List<ActiveBan> into, bool restricted = false)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var set) || !set.TryGetProperty("elem", out var elems))
            {
                continue;
            }

            foreach (var e in elems.EnumerateArray())
            {
                var value = e;
                long timeout = 0, expires = 0, packets = 0, bytes = 0;
                if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("elem", out var inner))
                {
                    value = inner.GetProperty("val");
                    timeout = inner.TryGetProperty("timeout", out var t) ? t.GetInt64() : 0;
                    expires = inner.TryGetProperty("expires", out var x) ? x.GetInt64() : 0;
                    if (inner.TryGetProperty("counter", out var c))
                    {
                        packets = c.GetProperty("packets").GetInt64();
                        bytes = c.GetProperty("bytes").GetInt64();
                    }
                }

                if (value.ValueKind != JsonValueKind.String || !NetAddress.TryParse(value.GetString(), out var address))
                {
                    continue;
                }

                var key = kind switch
                {
                    SourceKeyKind.IPv6Prefix64 => SourceKey.ForPrefix64(address),
                    SourceKeyKind.IPv4Prefix24 => SourceKey.ForPrefix24(address),
                    _ => SourceKey.ForAddress(address),
                };
                into.Add(new ActiveBan(key, TimeSpan.FromSeconds(timeout), TimeSpan.FromSeconds(expires), packets, bytes, byReflex, restricted));
            }
        }
    }

    /// <summary>The values of a set of `{"concat": [proto, port]}` elements.</summary>
    public static List<(string Protocol, int Port)> ReadProtocolPorts(string json)
    {
        var list = new List<(string, int)>();
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var set) || !set.TryGetProperty("elem", out var elems))
            {
                continue;
            }

            foreach (var e in elems.EnumerateArray())
            {
                if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("concat", out var c) && c.GetArrayLength() == 2)
                {
                    var proto = c[0].ValueKind == JsonValueKind.String ? c[0].GetString()! : c[0].GetRawText();
                    if (c[1].TryGetInt32(out var port))
                    {
                        list.Add((proto, port));
                    }
                }
            }
        }

        return list;
    }

    /// <summary>What a terse `list table` shows: set names, chain names and rule counts per chain.</summary>
    public static TableShape ReadShape(string json)
    {
        var shape = new TableShape();
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("set", out var set))
            {
                shape.Sets.Add(set.GetProperty("name").GetString()!);
            }
            else if (item.TryGetProperty("chain", out var chain))
            {
                shape.RuleCounts.TryAdd(chain.GetProperty("name").GetString()!, 0);
            }
            else if (item.TryGetProperty("rule", out var rule))
            {
                var name = rule.GetProperty("chain").GetString()!;
                shape.RuleCounts[name] = shape.RuleCounts.GetValueOrDefault(name) + 1;
            }
        }

        return shape;
    }

    /// <summary>
    /// The packet counters of chain `spoof`'s two drop rules: the rule testing `fib … oif` is the reverse-path filter,
    /// the one testing `fib saddr type` the local-source check. Rules without a counter count nothing.
    /// </summary>
    public static SpoofDrops ReadSpoofDrops(string json)
    {
        long local = 0, reversePath = 0;
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("rule", out var rule) || rule.GetProperty("chain").GetString() != PortVeilRuleset.SpoofChain)
            {
                continue;
            }

            string? fibResult = null;
            long packets = 0;
            foreach (var stmt in rule.GetProperty("expr").EnumerateArray())
            {
                if (stmt.TryGetProperty("match", out var m) && m.GetProperty("left").TryGetProperty("fib", out var fib) && fibResult is null)
                {
                    fibResult = fib.GetProperty("result").GetString();
                }
                else if (stmt.TryGetProperty("counter", out var c) && c.ValueKind == JsonValueKind.Object)
                {
                    packets = c.GetProperty("packets").GetInt64();
                }
            }

            if (fibResult == "oif")
            {
                reversePath += packets;
            }
            else if (fibResult == "type")
            {
                local += packets;
            }
        }

        return new SpoofDrops(local, reversePath);
    }

    internal sealed class TableShape
    {
        public HashSet<string> Sets { get; } = [];

        public Dictionary<string, int> RuleCounts { get; } = [];
    }
}
