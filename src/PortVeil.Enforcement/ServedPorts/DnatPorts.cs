using System.Text.Json;
using PortVeil.Core;

namespace PortVeil.Enforcement.ServedPorts;

/// <summary>
/// Ports published by DNAT: in a JSON listing of the ruleset (libnftables-json), every rule with a `dnat` or
/// `redirect` statement, or iptables-nft's `xt target DNAT` (Docker's iptables backend), publishes the
/// destination port it matches, before translation: `tcp dport 8080 … dnat to 172.17.0.2:80` serves tcp/8080.
/// Protocol comes from the payload (`tcp dport`) or a `meta l4proto` match; `th dport` with no protocol means
/// both TCP and UDP. Rules in our own table are skipped. Ranges are expanded up to
/// <see cref="MaxPortsPerRule"/> ports, so a hostile `1-65535` rule cannot make the served set huge.
/// </summary>
public static class DnatPorts
{
    public const int MaxPortsPerRule = 4096;

    public static void Read(string json, string ownTable, ISet<ServedPort> into)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(into);
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("nftables", out var items))
        {
            return;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (!item.TryGetProperty("rule", out var rule) || !rule.TryGetProperty("expr", out var exprs)
                || (rule.TryGetProperty("table", out var t) && t.GetString() == ownTable && rule.TryGetProperty("family", out var f) && f.GetString() == "inet"))
            {
                continue;
            }

            if (IsDnat(exprs))
            {
                ReadRule(exprs, into);
            }
        }
    }

    private static bool IsDnat(JsonElement exprs)
    {
        foreach (var e in exprs.EnumerateArray())
        {
            if (e.TryGetProperty("dnat", out _) || e.TryGetProperty("redirect", out _))
            {
                return true;
            }

            if (e.TryGetProperty("xt", out var xt) && xt.ValueKind == JsonValueKind.Object
                && xt.TryGetProperty("name", out var name) && name.GetString() is "DNAT" or "REDIRECT")
            {
                return true;
            }
        }

        return false;
    }

    private static void ReadRule(JsonElement exprs, ISet<ServedPort> into)
    {
        string? l4 = null;
        foreach (var e in exprs.EnumerateArray())
        {
            if (e.TryGetProperty("match", out var m) && m.GetProperty("left").TryGetProperty("meta", out var meta)
                && meta.TryGetProperty("key", out var key) && key.GetString() == "l4proto" && m.GetProperty("right").ValueKind == JsonValueKind.String)
            {
                l4 = m.GetProperty("right").GetString();
            }
        }

        foreach (var e in exprs.EnumerateArray())
        {
            if (!e.TryGetProperty("match", out var m) || !m.GetProperty("left").TryGetProperty("payload", out var payload)
                || !payload.TryGetProperty("field", out var field) || field.GetString() != "dport"
                || (m.TryGetProperty("op", out var op) && op.GetString() is not ("==" or "in")))
            {
                continue;
            }

            var protocol = payload.TryGetProperty("protocol", out var p) ? p.GetString() : null;
            if (protocol == "th")
            {
                protocol = l4;
            }

            var protocols = protocol switch
            {
                "tcp" => new[] { IpProtocol.Tcp },
                "udp" => [IpProtocol.Udp],
                "sctp" => [IpProtocol.Sctp],
                _ => [IpProtocol.Tcp, IpProtocol.Udp],
            };
            var budget = MaxPortsPerRule;
            AddPorts(m.GetProperty("right"), protocols, into, ref budget);
        }
    }

    private static void AddPorts(JsonElement right, IpProtocol[] protocols, ISet<ServedPort> into, ref int budget)
    {
        switch (right.ValueKind)
        {
            case JsonValueKind.Number when right.TryGetInt32(out var port) && port is > 0 and <= 65535:
                Add(protocols, (ushort)port, into, ref budget);
                break;
            case JsonValueKind.Object when right.TryGetProperty("set", out var set):
                AddPorts(set, protocols, into, ref budget);
                break;
            case JsonValueKind.Object when right.TryGetProperty("range", out var range) && range.GetArrayLength() == 2
                && range[0].TryGetInt32(out var low) && range[1].TryGetInt32(out var high):
                for (var port = Math.Max(1, low); port <= Math.Min(65535, high) && budget > 0; port++)
                {
                    Add(protocols, (ushort)port, into, ref budget);
                }

                break;
            case JsonValueKind.Array:
                foreach (var element in right.EnumerateArray())
                {
                    AddPorts(element, protocols, into, ref budget);
                }

                break;
            default:
                break;
        }
    }

    private static void Add(IpProtocol[] protocols, ushort port, ISet<ServedPort> into, ref int budget)
    {
        if (budget-- <= 0)
        {
            return;
        }

        foreach (var p in protocols)
        {
            into.Add(new ServedPort(p, port));
        }
    }
}
