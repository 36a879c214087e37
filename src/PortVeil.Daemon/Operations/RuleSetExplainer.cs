using System.Globalization;
using System.Text;
using System.Text.Json;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Daemon.Operations;

/// <summary>
/// Reads the libnftables JSON listing of `table inet portveil` and says in one sentence what each set, chain and
/// rule does. Rules are recognised by what they reference (sets, log prefixes, matches), not by position, so a
/// reordered or partly changed table is still explained; a rule PortVeil does not make is shown raw and flagged.
/// </summary>
public static class RuleSetExplainer
{
    public static RuleSetExplanation Explain(string listingJson)
    {
        ArgumentNullException.ThrowIfNull(listingJson);
        using var doc = JsonDocument.Parse(listingJson);
        var table = PortVeilRulesetDefaults.Table;
        var version = "";
        var sets = new List<ExplainedSet>();
        var chains = new List<(string Name, string? Hook, int? Prio, string? Policy)>();
        var rules = new List<ExplainedRule>();
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("metainfo", out var meta))
            {
                version = meta.TryGetProperty("version", out var v) ? v.GetString() ?? "" : "";
            }
            else if (item.TryGetProperty("table", out var t))
            {
                table = t.GetProperty("name").GetString() ?? table;
            }
            else if (item.TryGetProperty("set", out var s))
            {
                sets.Add(ExplainSet(s));
            }
            else if (item.TryGetProperty("chain", out var c))
            {
                chains.Add((c.GetProperty("name").GetString()!, Str(c, "hook"), c.TryGetProperty("prio", out var p) ? p.GetInt32() : null, Str(c, "policy")));
            }
            else if (item.TryGetProperty("rule", out var r))
            {
                rules.Add(ExplainRule(r));
            }
        }

        var explained = new List<ExplainedChain>(chains.Count);
        foreach (var (name, hook, prio, policy) in chains)
        {
            var own = rules.FindAll(r => r.Chain == name);
            explained.Add(new ExplainedChain(name, hook, prio, policy, ChainSentence(name, hook, prio), own));
        }

        return new RuleSetExplanation(table, version, sets, explained);
    }

    /// <summary>True when set <paramref name="set"/> of the listing holds <paramref name="address"/> (a bare value or an element with a timeout).</summary>
    public static bool SetContains(string listingJson, string set, Core.NetAddress address)
    {
        ArgumentNullException.ThrowIfNull(listingJson);
        using var doc = JsonDocument.Parse(listingJson);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var s) || s.GetProperty("name").GetString() != set || !s.TryGetProperty("elem", out var elems))
            {
                continue;
            }

            foreach (var e in elems.EnumerateArray())
            {
                var value = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("elem", out var inner) ? inner.GetProperty("val") : e;
                if (value.ValueKind == JsonValueKind.String && Core.NetAddress.TryParse(value.GetString(), out var a) && a == address)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static ExplainedSet ExplainSet(JsonElement s)
    {
        var name = s.GetProperty("name").GetString()!;
        var type = s.GetProperty("type") is { ValueKind: JsonValueKind.Array } a ? string.Join(" . ", a.EnumerateArray().Select(x => x.GetString())) : s.GetProperty("type").GetString() ?? "";
        var flags = s.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
        var elements = s.TryGetProperty("elem", out var e) ? e.GetArrayLength() : 0;
        var timeout = s.TryGetProperty("timeout", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt64() : 0;
        var sentence = SetSentence(name, timeout);
        return new ExplainedSet(name, type, flags, elements, timeout, sentence ?? "Not a set PortVeil makes (added by someone else?).", sentence is not null);
    }

    private static string? SetSentence(string name, long timeout) => name switch
    {
        PortVeilRuleset.Banned4 => "IPv4 addresses the daemon banned; each element carries its own kernel timeout, so bans expire even if the daemon is down.",
        PortVeilRuleset.Banned6 => "IPv6 addresses the daemon banned, each with its own kernel timeout.",
        PortVeilRuleset.Banned6Prefix64 => "IPv6 /64 networks the daemon banned (one element stands for the whole /64), each with its own timeout.",
        PortVeilRuleset.Banned4Prefix24 => "IPv4 /24 networks the daemon banned (one element stands for all 256 addresses, scanners seen or not), each with its own timeout.",
        PortVeilRuleset.Allow4 => "IPv4 allowlist (configuration, gateway, resolvers, own addresses, admin SSH, `portveil allow add`): never dropped, logged or counted.",
        PortVeilRuleset.Allow6 => "IPv6 allowlist: never dropped, logged or counted.",
        PortVeilRuleset.Served => "Ports this host serves (protocol . port), kept current by the daemon from listening sockets and Docker's DNAT rules.",
        PortVeilRuleset.Tripwire => "Tripwire ports: nothing serves them, so touching one is strong evidence of a scan.",
        PortVeilRuleset.Known4 or PortVeilRuleset.Known6 => $"Sources that passed first-contact gating; they are accepted at once for {Seconds(timeout)} after their last connection.",
        PortVeilRuleset.Pending4 or PortVeilRuleset.Pending6 => $"Sources whose first SYN was held by first-contact gating, remembered {Seconds(timeout)} while waiting for the retransmit.",
        PortVeilRuleset.PendingYoung4 or PortVeilRuleset.PendingYoung6 => "Sources whose first SYN is younger than the minimum retransmit delay; a SYN while still here is too early and dropped.",
        PortVeilRuleset.PendingUdp4 or PortVeilRuleset.PendingUdp6 => $"Sources whose first UDP datagram to a served port was held by UDP gating, remembered {Seconds(timeout)} (longer than TCP's hold: WireGuard resends every 5 s) while waiting for the resend.",
        PortVeilRuleset.PendingUdpYoung4 or PortVeilRuleset.PendingUdpYoung6 => "Sources whose first UDP datagram is younger than the minimum resend delay; a datagram while still here is too early and dropped.",
        PortVeilRuleset.Probed4 or PortVeilRuleset.Probed6 => $"Recent unserved-port attempts as (source . protocol . port), kept {Seconds(timeout)}: each port counts once per source towards the gating probe limit, so a guest's retransmits to a mistyped port count once.",
        PortVeilRuleset.ProbeMeter4 or PortVeilRuleset.ProbeMeter6 => "The gating probe limit's per-source meter of distinct unserved ports (a kernel rate limit in each element).",
        PortVeilRuleset.Probers4 or PortVeilRuleset.Probers6 => $"Never-seen sources that just opened more unserved ports than the gating probe limit: first-contact gating lets none of their raw SYNs through for {Seconds(timeout)}.",
        PortVeilRuleset.Wary4 or PortVeilRuleset.Wary6 => $"Wary sources: never-seen sources that tried a port nothing serves within the last {Seconds(timeout)}; first-contact gating makes them wait for a later SYN retransmit (~3 s instead of ~1 s), so a slow connect scan learns nothing (kernel.gating_wary).",
        PortVeilRuleset.PendingWary4 or PortVeilRuleset.PendingWary6 => "Wary sources whose first SYN to a served port is younger than 2.5 s: every SYN from them is dropped meanwhile, so their 1 s retransmit fails and only the ~3 s one gets in.",
        PortVeilRuleset.Reflex4 or PortVeilRuleset.Reflex6 => "The reflex meter: a per-source rate of unserved-port attempts, kept by the kernel itself.",
        PortVeilRuleset.ReflexBanned4 or PortVeilRuleset.ReflexBanned6 => "Sources the reflex meter banned from the packet path, in microseconds, without the daemon.",
        PortVeilRuleset.Suspect4 or PortVeilRuleset.Suspect6 => "Restricted sources (unverified decoy-cohort members): their raw-scanner probes and new non-TCP flows are dropped until the timeout.",
        PortVeilRuleset.WarmUp4 or PortVeilRuleset.WarmUp6 => "Used by no rule: at start the daemon rehearses its ban path with one element here, deleted at once, so its first real ban is not slowed by first-use costs. Always empty; nothing is ever dropped by it.",
        _ => null,
    };

    private static string ChainSentence(string name, string? hook, int? prio)
    {
        var where = hook is null ? "" : $" Base chain at hook {hook}, priority {prio}.";
        return name switch
        {
            PortVeilRuleset.SpoofChain => "Runs first (before the allowlist and the bans): drops packets whose source address is forged, by reverse path and by the host's own addresses." + where,
            PortVeilRuleset.RawChain => "Runs before connection tracking (raw priority): banned sources are dropped before conntrack spends anything on them." + where,
            PortVeilRuleset.MangleChain => "Judges new connection attempts before Docker's DNAT (priority -100), so published container ports are seen with their original port." + where,
            PortVeilRuleset.ServedChain => "Connection attempts to served ports: known sources pass, never-seen ones meet first-contact gating." + where,
            PortVeilRuleset.UnservedChain => "Connection attempts to ports nothing serves: the reflex meter counts them, then they are dropped without a reply." + where,
            PortVeilRuleset.RepliesChain => "Outgoing replies: SYN-ACKs are logged so `explain` can prove which open ports a scanner saw." + where,
            _ => "Not a chain PortVeil makes (added by someone else?)." + where,
        };
    }

    private static ExplainedRule ExplainRule(JsonElement r)
    {
        var chain = r.GetProperty("chain").GetString()!;
        var handle = r.TryGetProperty("handle", out var h) ? h.GetInt64() : 0;
        var raw = r.GetProperty("expr").GetRawText();
        var parts = new List<string>();
        var sets = new List<string>();
        long? packets = null;
        var renderable = true;
        foreach (var stmt in r.GetProperty("expr").EnumerateArray())
        {
            var text = Statement(stmt, sets, ref packets);
            renderable &= text is not null;
            parts.Add(text ?? stmt.GetRawText());
        }

        var rendered = string.Join(' ', parts);
        var sentence = renderable ? RuleSentence(chain, rendered, sets) : null;
        return new ExplainedRule(chain, handle, rendered, sentence ?? "Not a rule PortVeil makes (added by someone else, or by a newer PortVeil): shown as the kernel holds it.",
            sentence is not null, sets, packets, raw);
    }

    /// <summary>The rule's meaning, from what it references; null when it is not one of PortVeil's rules.</summary>
    private static string? RuleSentence(string chain, string text, List<string> sets)
    {
        bool Has(string s) => text.Contains(s, StringComparison.Ordinal);
        bool Ends(string s) => text.EndsWith(s, StringComparison.Ordinal);
        var family = Has("ip6 ") ? "IPv6" : "IPv4";
        switch (chain)
        {
            case PortVeilRuleset.SpoofChain:
                if (Has("meta iifname lo") && Ends("accept"))
                {
                    return "Never checks loopback: the host talking to itself uses its own addresses as sources.";
                }

                if (Has("fib saddr type local") && Ends("drop"))
                {
                    return "Drops packets for this host that arrive from outside with one of its own (or a loopback) addresses as source: always forged, and never allowlisted because of it.";
                }

                if (Has("icmpv6 type {") && Ends("accept"))
                {
                    return "Lets IPv6 neighbour discovery and multicast listener messages past the reverse-path check (duplicate address detection sends from ::).";
                }

                if (Has("fib saddr . mark . iif oif missing") && Ends("drop"))
                {
                    return "Strict reverse-path filter: drops packets whose source is not routed back through the interface they came in on (forged, or asymmetric routing).";
                }

                if (Has("fib saddr oif missing") && Ends("drop"))
                {
                    return "Loose reverse-path filter: drops packets whose source has no route back at all.";
                }

                break;
            case PortVeilRuleset.RawChain:
                if ((sets.Contains(PortVeilRuleset.Allow4) || sets.Contains(PortVeilRuleset.Allow6)) && Ends("accept"))
                {
                    return $"Lets allowlisted {family} sources past the bans below: the allowlist always wins, even over a ban.";
                }

                if (sets.Contains(PortVeilRuleset.Banned6Prefix64) && Ends("drop"))
                {
                    return "Drops every packet from an address whose /64 network is banned (the source, masked to 64 bits, is looked up in banned6_64).";
                }

                if (sets.Contains(PortVeilRuleset.Banned4Prefix24) && Ends("drop"))
                {
                    return sets.Contains(PortVeilRuleset.Known4)
                        ? "Drops every packet from an address whose /24 network is banned (the source, masked to 24 bits, is looked up in banned4_24), including addresses of the /24 that never scanned; returning guests (in known4) are spared, an address that scans is banned on its own."
                        : "Drops every packet from an address whose /24 network is banned (the source, masked to 24 bits, is looked up in banned4_24), including addresses of the /24 that never scanned.";
                }

                if ((sets.Contains(PortVeilRuleset.Banned4) || sets.Contains(PortVeilRuleset.Banned6)) && Ends("drop"))
                {
                    return $"Drops every packet from an {family} address the daemon banned, before connection tracking sees it.";
                }

                if ((sets.Contains(PortVeilRuleset.ReflexBanned4) || sets.Contains(PortVeilRuleset.ReflexBanned6)) && Ends("drop"))
                {
                    return $"Drops every packet from an {family} source the kernel's reflex meter banned by itself.";
                }

                break;
            case PortVeilRuleset.MangleChain:
                if (Has("meta iifname lo") && Ends("accept"))
                {
                    return "Never polices loopback: the host talking to itself.";
                }

                if (Has("fib daddr type != local") && Ends("accept"))
                {
                    return "Leaves alone traffic not addressed to this host (routed or bridged, e.g. container to container).";
                }

                if ((sets.Contains(PortVeilRuleset.Allow4) || sets.Contains(PortVeilRuleset.Allow6)) && Ends("accept"))
                {
                    return $"Accepts allowlisted {family} sources here too, so they are never logged, counted or gated.";
                }

                if (Has("icmpv6 type {") && Has("nd-neighbor-solicit") && Ends("accept"))
                {
                    return "Always accepts IPv6 neighbour discovery and multicast listener messages, without which IPv6 stops working.";
                }

                if (Has("pv:stealth") && Has("limit rate"))
                {
                    return "Logs stealth probes (FIN, NULL, XMAS, Maimon: conntrack calls them invalid) at a bounded rate for the whole host, so their senders can be banned, before the drop below.";
                }

                if ((sets.Contains(PortVeilRuleset.Suspect4) || sets.Contains(PortVeilRuleset.Suspect6)) && Has("meta l4proto != tcp") && Ends("drop"))
                {
                    return $"Restricted {family} sources (unverified decoy-cohort members) lose every new non-TCP flow.";
                }

                if ((sets.Contains(PortVeilRuleset.Suspect4) || sets.Contains(PortVeilRuleset.Suspect6)) && Has("sack-perm missing") && Ends("drop"))
                {
                    return $"Restricted {family} sources lose raw-scanner SYNs (no SACK-permitted option); a real host's own stack at the address still connects.";
                }

                if (Has("ct state invalid") && Ends("drop"))
                {
                    return "Silently drops packets conntrack finds invalid (late FIN/ACKs after a connection expired) and never counts them: they caused mass false bans in other tools.";
                }

                if (Has("ct state { established, related }") && Ends("accept"))
                {
                    return "Accepts packets of established connections: only new connection attempts are judged.";
                }

                if (Has("echo-request") && Has("pv:unserved") && Ends("accept"))
                {
                    return $"Logs {(family == "IPv6" || Has("icmpv6") ? "IPv6" : "IPv4")} pings as evidence (ping sweeps count) and still answers them.";
                }

                if (Has("meta l4proto != { tcp, udp, sctp, udplite }") && Ends("accept"))
                {
                    return "Accepts protocols without ports (GRE, ESP, …) without judging them.";
                }

                if (Has("tcp option sack-perm missing") && Has("pv:fp") && Ends("drop"))
                {
                    return "Raw-scanner fingerprint: a SYN without SACK-permitted and window-scale options (nmap -sS, masscan, zmap; every modern OS sends both) is logged as evidence and dropped.";
                }

                if (sets.Contains(PortVeilRuleset.Tripwire) && Has("jump unserved"))
                {
                    return "A connection attempt to a tripwire port is logged as strong evidence, then handled like any unserved port.";
                }

                if (sets.Contains(PortVeilRuleset.Served) && Has("jump served"))
                {
                    return "A connection attempt to a served port (protocol . port in @served) goes to chain served.";
                }

                if (Has("pv:unserved") && Has("jump unserved") && sets.Count == 0)
                {
                    return "Anything else is an attempt on a port nothing serves: logged for the detectors, then handled by chain unserved.";
                }

                break;
            case PortVeilRuleset.ServedChain:
                if ((sets.Contains(PortVeilRuleset.Known4) || sets.Contains(PortVeilRuleset.Known6)) && sets.Count == 1 && Ends("accept"))
                {
                    return $"Known {family} sources (they passed gating before) are accepted at once: a returning guest pays nothing.";
                }

                if (Has("meta l4proto != tcp") && Ends("accept"))
                {
                    return "Non-TCP attempts on served ports are logged and accepted: a UDP client cannot be relied on to retry.";
                }

                if (Has("meta l4proto != { tcp, udp }") && Ends("accept"))
                {
                    return "Attempts on served ports other than TCP and UDP are logged and accepted (kernel.gating_udp is on: new UDP flows are gated like SYNs).";
                }

                if (Has("tcp flags & (fin | syn | rst | ack) != syn") && Ends("accept"))
                {
                    return "TCP packets other than a bare SYN are logged and accepted: only connection openers are gated.";
                }

                if ((sets.Contains(PortVeilRuleset.Probers4) || sets.Contains(PortVeilRuleset.Probers6)) && sets.Count == 1 && Has("pv:gated") && Ends("drop"))
                {
                    return $"Gating probe limit: a never-seen {family} source that just probed more unserved ports than the limit gets no raw SYN (no SACK-permitted: nmap -sS, masscan) through gating: logged as gated and dropped. A real host at that address connects with its own stack, so forged probes cannot keep it out.";
                }

                if ((sets.Contains(PortVeilRuleset.PendingWary4) || sets.Contains(PortVeilRuleset.PendingWary6)) && sets.Count == 1 && Has("pv:gated") && Ends("drop"))
                {
                    return $"Wary gate: a SYN from an {family} source whose first SYN (after it tried an unserved port) is younger than 2.5 s is logged as gated and dropped, so its 1 s retransmit fails too; a real client gets in with its ~3 s retransmit, a connect scanner has given up.";
                }

                if ((sets.Contains(PortVeilRuleset.Wary4) || sets.Contains(PortVeilRuleset.Wary6)) && Has("add @pending_wary"))
                {
                    return $"Wary gate: the first SYN of a never-seen {family} source that recently tried an unserved port is also remembered in pending_wary (2.5 s), then held by the first-contact rule below (a full set ends the rule: the source meets the ordinary gate).";
                }

                if ((sets.Contains(PortVeilRuleset.PendingUdpYoung4) || sets.Contains(PortVeilRuleset.PendingUdpYoung6)) && Has("meta l4proto udp "))
                {
                    if (Has("update @known"))
                    {
                        return $"UDP gating: the source of an {family} datagram resent after the minimum delay and within the UDP hold (still pending, no longer young) becomes known.";
                    }

                    if (Ends("accept"))
                    {
                        return $"UDP gating: an {family} datagram resent after the minimum delay is accepted (a rule of its own, so a full known set cannot lock guests out).";
                    }

                    if (Has("add @pending_udp") && Ends("drop"))
                    {
                        return $"UDP first contact: the first datagram of a never-seen {family} source to a served UDP port is logged and dropped, and the source remembered; a real client resends (DNS after 1-5 s, QUIC ~1 s, WireGuard 5 s) and gets in.";
                    }

                    if (Ends("drop"))
                    {
                        return $"An {family} UDP resend that comes before the minimum delay is dropped without refreshing anything.";
                    }
                }

                if (sets.Contains(PortVeilRuleset.PendingYoung4) || sets.Contains(PortVeilRuleset.PendingYoung6))
                {
                    if (Has("update @known"))
                    {
                        return $"First-contact gating: the source of an {family} SYN retransmitted after the minimum delay (still pending, no longer young) becomes known.";
                    }

                    if (Ends("accept"))
                    {
                        return $"First-contact gating: an {family} SYN retransmitted after the minimum delay is accepted (a rule of its own, so a full known set cannot lock guests out).";
                    }

                    if (Has("add @pending") && Ends("drop"))
                    {
                        return $"First contact: the first SYN of a never-seen {family} source is logged and dropped, and the source remembered; a real client retransmits after ~1 s and gets in.";
                    }

                    if (Ends("drop"))
                    {
                        return $"An {family} retransmit that comes before the minimum delay is dropped: scanners retry fast or never.";
                    }
                }

                if (Has("meta l4proto udp ") && Ends("accept") && sets.Count == 0)
                {
                    return "UDP gating fails open: a first UDP datagram whose source could not be remembered (the UDP pending set is full under a spoofed flood) is logged and accepted, so new guests still get in; no UDP datagram goes further down this chain.";
                }

                if (Has("meta l4proto { tcp, udp } ") && Ends("accept") && sets.Count == 0)
                {
                    return "Gating fails open: a first SYN or UDP datagram whose source could not be remembered (the pending set is full under a spoofed flood) is logged and accepted, so new guests still get in.";
                }

                if (Has("meta l4proto tcp ") && Ends("accept") && sets.Count == 0)
                {
                    return "Gating fails open: a first SYN whose source could not be remembered (the pending set is full under a spoofed flood) is logged and accepted, so new guests still get in.";
                }

                if (Ends("accept") && (Has("pv:served") || Has("counter")) && sets.Count == 0)
                {
                    return "Attempts on served ports are logged for the detectors (a scanner's successes count too) and accepted.";
                }

                break;
            case PortVeilRuleset.UnservedChain:
                if ((sets.Contains(PortVeilRuleset.Wary4) || sets.Contains(PortVeilRuleset.Wary6)) && Has("update @wary"))
                {
                    return $"Wary gate: a never-seen {family} source (not known) that tries an unserved TCP or UDP port becomes wary for 10 minutes, so first-contact gating makes it wait ~3 s instead of ~1 s (a full set ends the rule: it fails open).";
                }

                if ((sets.Contains(PortVeilRuleset.Probed4) || sets.Contains(PortVeilRuleset.Probed6)) && Has("add @probers"))
                {
                    return $"Gating probe limit: a new {family} (source . protocol . port) of an unserved port is remembered and metered; more distinct ports than the limit within about a minute put the source in probers (a full set ends the rule: it fails open).";
                }

                if ((sets.Contains(PortVeilRuleset.Reflex4) || sets.Contains(PortVeilRuleset.Reflex6)) && Has("add @reflex_banned"))
                {
                    return $"Reflex meter: counts each {family} source's unserved-port attempts; over the rate it bans the source from the packet path, without the daemon.";
                }

                if (text == "drop")
                {
                    return "Drops the attempt silently: no RST, no ICMP unreachable, so the port looks filtered, not closed.";
                }

                if (text == "accept")
                {
                    return "Accepts the attempt (kernel.drop_unserved is off): it is only logged and counted.";
                }

                break;
            case PortVeilRuleset.RepliesChain:
                if (Has("pv:reply"))
                {
                    return "Logs SYN-ACKs leaving the host: proof of which open ports a scanner learned.";
                }

                break;
        }

        return null;
    }

    /// <summary>One statement in nft syntax; null for an expression this renderer does not know.</summary>
    private static string? Statement(JsonElement stmt, List<string> sets, ref long? packets)
    {
        if (stmt.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var p in stmt.EnumerateObject())
        {
            switch (p.Name)
            {
                case "accept" or "drop" or "return" or "continue":
                    return p.Name;
                case "jump" or "goto":
                    return $"{p.Name} {p.Value.GetProperty("target").GetString()}";
                case "counter":
                    if (p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("packets", out var n))
                    {
                        packets = n.GetInt64();
                        return string.Create(CultureInfo.InvariantCulture, $"counter packets {n.GetInt64()} bytes {p.Value.GetProperty("bytes").GetInt64()}");
                    }

                    return "counter";
                case "log":
                    var log = new StringBuilder("log");
                    if (p.Value.ValueKind == JsonValueKind.Object)
                    {
                        if (p.Value.TryGetProperty("prefix", out var prefix))
                        {
                            log.Append(" prefix \"").Append(prefix.GetString()).Append('"');
                        }

                        if (p.Value.TryGetProperty("group", out var group))
                        {
                            log.Append(" group ").Append(group.GetRawText());
                        }

                        if (p.Value.TryGetProperty("snaplen", out var snap))
                        {
                            log.Append(" snaplen ").Append(snap.GetRawText());
                        }
                    }

                    return log.ToString();
                case "match":
                    var left = Expr(p.Value.GetProperty("left"), sets);
                    var right = Expr(p.Value.GetProperty("right"), sets);
                    if (left is null || right is null)
                    {
                        return null;
                    }

                    var op = p.Value.GetProperty("op").GetString();
                    if (p.Value.GetProperty("right").ValueKind == JsonValueKind.False)
                    {
                        return $"{left} missing";
                    }

                    return op is "==" or "in" ? $"{left} {right}" : $"{left} {op} {right}";
                case "set":
                    var set = p.Value.GetProperty("set").GetString() ?? "";
                    sets.Add(set.TrimStart('@'));
                    var elem = Expr(p.Value.GetProperty("elem"), sets);
                    if (elem is null)
                    {
                        return null;
                    }

                    var inner = "";
                    if (p.Value.TryGetProperty("stmt", out var st))
                    {
                        foreach (var s in st.EnumerateArray())
                        {
                            var x = Statement(s, sets, ref packets);
                            if (x is null)
                            {
                                return null;
                            }

                            inner += " " + x;
                        }
                    }

                    return $"{p.Value.GetProperty("op").GetString()} {set} {{ {elem}{inner} }}";
                case "limit":
                    var over = p.Value.TryGetProperty("inv", out var inv) && inv.GetBoolean() ? "over " : "";
                    var burst = p.Value.TryGetProperty("burst", out var b) ? $" burst {b.GetRawText()} packets" : "";
                    return $"limit rate {over}{p.Value.GetProperty("rate").GetRawText()}/{p.Value.GetProperty("per").GetString()}{burst}";
                default:
                    return null;
            }
        }

        return null;
    }

    private static string? Expr(JsonElement e, List<string> sets)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                var s = e.GetString()!;
                if (s.StartsWith('@'))
                {
                    sets.Add(s[1..]);
                }

                return s;
            case JsonValueKind.Number:
                return e.GetRawText();
            case JsonValueKind.True or JsonValueKind.False:
                return e.ValueKind == JsonValueKind.True ? "exists" : "missing";
            case JsonValueKind.Array:
                var items = new List<string>();
                foreach (var x in e.EnumerateArray())
                {
                    var t = Expr(x, sets);
                    if (t is null)
                    {
                        return null;
                    }

                    items.Add(t);
                }

                return items.Count == 1 ? items[0] : "{ " + string.Join(", ", items) + " }";
            case JsonValueKind.Object:
                break;
            default:
                return null;
        }

        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "payload":
                    return $"{p.Value.GetProperty("protocol").GetString()} {p.Value.GetProperty("field").GetString()}";
                case "meta":
                    return $"meta {p.Value.GetProperty("key").GetString()}";
                case "ct":
                    return $"ct {p.Value.GetProperty("key").GetString()}";
                case "fib":
                    var flags = p.Value.TryGetProperty("flags", out var f) ? string.Join(" . ", f.EnumerateArray().Select(x => x.GetString())) : "";
                    return $"fib {flags} {p.Value.GetProperty("result").GetString()}".Replace("  ", " ", StringComparison.Ordinal);
                case "tcp option":
                    return $"tcp option {p.Value.GetProperty("name").GetString()}";
                case "set":
                    var list = new List<string>();
                    foreach (var x in p.Value.EnumerateArray())
                    {
                        var t = Expr(x, sets);
                        if (t is null)
                        {
                            return null;
                        }

                        list.Add(t);
                    }

                    return "{ " + string.Join(", ", list) + " }";
                case "&":
                    var a = Expr(p.Value[0], sets);
                    var m = p.Value[1].ValueKind == JsonValueKind.Array ? "(" + string.Join(" | ", p.Value[1].EnumerateArray().Select(x => x.GetString())) + ")" : Expr(p.Value[1], sets);
                    if (m is not null && m.Contains(" | ", StringComparison.Ordinal) && !m.StartsWith('('))
                    {
                        m = "(" + m + ")";
                    }

                    return a is null || m is null ? null : $"{a} & {m}";
                case "|":
                    // nft 1.0.6 lists flag masks nested: {"|": [{"|": ["fin", "syn"]}, "rst"]}.
                    var bits = new List<string>();
                    foreach (var x in p.Value.EnumerateArray())
                    {
                        var t = Expr(x, sets);
                        if (t is null)
                        {
                            return null;
                        }

                        bits.Add(t.Trim('(', ')'));
                    }

                    return "(" + string.Join(" | ", bits) + ")";
                case "concat":
                    var parts = new List<string>();
                    foreach (var x in p.Value.EnumerateArray())
                    {
                        var t = Expr(x, sets);
                        if (t is null)
                        {
                            return null;
                        }

                        parts.Add(t);
                    }

                    return string.Join(" . ", parts);
                case "elem":
                    var val = Expr(p.Value.GetProperty("val"), sets);
                    var timeout = p.Value.TryGetProperty("timeout", out var to) ? $" timeout {to.GetRawText()}s" : "";
                    return val is null ? null : val + timeout;
                case "prefix":
                    return $"{p.Value.GetProperty("addr").GetString()}/{p.Value.GetProperty("len").GetRawText()}";
                default:
                    return null;
            }
        }

        return null;
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Seconds(long s) => s <= 0 ? "as long as the daemon decides" : OperatorActions.Format(TimeSpan.FromSeconds(s));
}
