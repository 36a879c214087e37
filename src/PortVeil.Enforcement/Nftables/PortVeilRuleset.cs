using System.Globalization;
using System.Text.Json.Nodes;
using static PortVeil.Enforcement.Nftables.NftExpr;

namespace PortVeil.Enforcement.Nftables;

/// <summary>
/// PortVeil's own `table inet portveil` (DESIGN.md, "Kernel side"), built from typed options:
/// <code>
/// chain spoof   (filter prerouting -310) [options]: lo accept; [local] fib saddr type local, fib daddr type local: counter drop;
///                                          IPv6 neighbour discovery accept; [rpf] fib saddr (. mark . iif) oif missing: counter drop
/// chain raw     (filter prerouting -300): @allow4/@allow6 accept; drop saddr in @banned4, @banned6, (saddr &amp; /64) in @banned6_64,
///                                          (saddr &amp; /24) in @banned4_24 unless saddr in @known4 (returning guests, with gating),
///                                          @reflex_banned4, @reflex_banned6
/// chain mangle  (filter prerouting -150, before Docker's DNAT at -100):
///   lo, non-local destinations (routed or bridged traffic) and @allow4/@allow6 accept;
///   IPv6 neighbour discovery accept; [stealth] invalid TCP without SYN/RST, not a plain ACK: log pv:stealth (rate-limited);
///   ct state invalid drop; ct state established,related accept;
///   saddr in @suspect4/@suspect6 (decoy cohorts): drop non-TCP, drop TCP without SACK-permitted (raw probes); ICMP echo logged as pv:unserved and accepted; non-port protocols accept;
///   [fingerprint] SYN without sack-perm and window options: log pv:fp, drop;
///   (l4proto . dport) in @tripwire: log pv:trip, jump unserved;  in @served: jump served;
///   otherwise log pv:unserved, jump unserved
/// chain served: known sources accept; [gating] a raw SYN (no SACK-permitted) from @probers (just probed several unserved
///   ports): log pv:gated, drop;
///   [gating_wary, default on] a SYN from @pending_wary (a wary source's first SYN was &lt; 2.5 s ago): log pv:gated, drop;
///   first SYN: [gating_wary] from @wary: add @pending_wary (2.5 s); then add @pending + @pending_young, log pv:gated, drop;
///   a SYN from @pending but not @pending_young (≥ 0.7 s later) joins @known, log pv:served, accept;
///   a first SYN that could not be remembered (@pending full under a flood): log pv:served, accept (fails open);
///   [gate_udp, default on] a new UDP flow meets the same gate with its own sets (@pending_udp, @pending_udp_young) and
///   a longer hold (30 s: WireGuard resends every 5 s); a datagram that could not be remembered is accepted (fails open)
/// chain unserved: [gating_wary] TCP/UDP from a source not in @known: update @wary { saddr } (10 min), so its next first
///   SYN to a served port passes only ≥ 2.5 s after the first (Linux retransmits at 1 s and 3 s; nmap -sT gives up at ~1 s);
///   [gating probe limit] a new (saddr . proto . port) in @probed: update @probe_meter { saddr limit rate
///   over L/minute burst L } add @probers { saddr timeout 10 min };
///   [reflex] update @reflex { saddr limit rate over N/minute } add @reflex_banned { saddr timeout T }; drop
///   (accept instead when DropUnserved is off)
/// chain replies (filter postrouting -150) [option]: SYN-ACK leaving: log pv:reply
/// </code>
/// Unserved ports are dropped silently: no RST, no ICMP unreachable, so the host looks filtered, not closed.
/// </summary>
public sealed class PortVeilRuleset
{
    public const string SpoofChain = "spoof";
    public const string RawChain = "raw";
    public const string MangleChain = "mangle";
    public const string ServedChain = "served";
    public const string UnservedChain = "unserved";
    public const string RepliesChain = "replies";

    public const string Banned4 = "banned4";
    public const string Banned6 = "banned6";
    public const string Banned6Prefix64 = "banned6_64";

    /// <summary>IPv4 /24 subnet bans: one element (the /24's network address) drops every address of the /24.</summary>
    public const string Banned4Prefix24 = "banned4_24";
    public const string Allow4 = "allow4";
    public const string Allow6 = "allow6";
    public const string Served = "served";
    public const string Tripwire = "tripwire";
    public const string Known4 = "known4";
    public const string Known6 = "known6";
    public const string Pending4 = "pending4";
    public const string Pending6 = "pending6";
    public const string PendingYoung4 = "pending_young4";
    public const string PendingYoung6 = "pending_young6";

    /// <summary>
    /// UDP's own pending sets (with <see cref="PortVeilRulesetOptions.GateUdp"/>): a first datagram is remembered for
    /// <see cref="PortVeilRulesetOptions.UdpGatingHold"/> (30 s), not TCP's 5 s, because UDP clients resend on their
    /// own timers (WireGuard every 5 s + up to 333 ms): with a 5 s hold every resend would be a first contact again.
    /// </summary>
    public const string PendingUdp4 = "pending_udp4";
    public const string PendingUdp6 = "pending_udp6";
    public const string PendingUdpYoung4 = "pending_udp_young4";
    public const string PendingUdpYoung6 = "pending_udp_young6";
    /// <summary>(source . protocol . port) of recent unserved-port attempts: a port counts once per source, retransmits don't.</summary>
    public const string Probed4 = "probed4";
    public const string Probed6 = "probed6";

    /// <summary>Per-source meter of distinct unserved ports (elements carry a limit): over the gating probe limit, the source joins @probers.</summary>
    public const string ProbeMeter4 = "probe_meter4";
    public const string ProbeMeter6 = "probe_meter6";

    /// <summary>Sources that just probed more than the gating probe limit of unserved ports: first-contact gating lets none of their SYNs through.</summary>
    public const string Probers4 = "probers4";
    public const string Probers6 = "probers6";

    /// <summary>
    /// Wary sources (with <see cref="PortVeilRulesetOptions.GatingWary"/>): never-seen sources that tried an unserved
    /// TCP/UDP port within <see cref="PortVeilRulesetDefaults.WaryTimeout"/> (10 min, renewed by each attempt).
    /// </summary>
    public const string Wary4 = "wary4";
    public const string Wary6 = "wary6";

    /// <summary>
    /// Wary sources whose first SYN to a served port is younger than <see cref="PortVeilRulesetDefaults.WaryDelay"/>
    /// (2.5 s): every SYN from them is dropped until it expires, so only the ~3 s retransmit passes. Keyed by source
    /// like @pending: keyed by (source . port), a SYN to a second served port 0.7-2.5 s later would pass.
    /// </summary>
    public const string PendingWary4 = "pending_wary4";
    public const string PendingWary6 = "pending_wary6";

    public const string Reflex4 = "reflex4";
    public const string Reflex6 = "reflex6";

    /// <summary>Bans the reflex meter made from the packet path; apart from the daemon's, so a daemon ban's timeout is never shadowed by one.</summary>
    public const string ReflexBanned4 = "reflex_banned4";
    public const string ReflexBanned6 = "reflex_banned6";

    /// <summary>
    /// Restricted sources (unverified members of a decoy cohort): only what a raw scanner sends from them is dropped
    /// (new TCP without SACK-permitted, new non-TCP flows); a real host's own stack still connects.
    /// </summary>
    public const string Suspect4 = "suspect4";
    public const string Suspect6 = "suspect6";

    /// <summary>
    /// The ban path's warm-up sets, referenced by no rule: at start the daemon adds one element to each through the
    /// fast ban path and deletes it again (a kernel round trip that JIT-compiles the path and drops nothing). Same
    /// type, flags and counters as banned4/banned6; 16 elements at most.
    /// </summary>
    public const string WarmUp4 = "warmup4";
    public const string WarmUp6 = "warmup6";
    private const int WarmUpSetSize = 16;

    /// <summary>NFLOG prefixes: the contract with the NFLOG sensor.</summary>
    public const string PrefixUnserved = "pv:unserved";
    public const string PrefixServed = "pv:served";
    public const string PrefixTripwire = "pv:trip";
    public const string PrefixFingerprint = "pv:fp";
    public const string PrefixReply = "pv:reply";
    public const string PrefixGated = "pv:gated";
    public const string PrefixStealth = "pv:stealth";

    private static readonly string[] PortProtocols = ["tcp", "udp", "sctp", "udplite"];

    private static readonly string[] NeighbourDiscovery =
    [
        "nd-router-solicit", "nd-router-advert", "nd-neighbor-solicit", "nd-neighbor-advert", "nd-redirect",
        "mld-listener-query", "mld-listener-report", "mld2-listener-report",
    ];

    private readonly Dictionary<string, int> _ruleCounts = [];
    private readonly HashSet<string> _sets = [];

    public PortVeilRuleset(PortVeilRulesetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public PortVeilRulesetOptions Options { get; }

    public string Table => Options.Table;

    /// <summary>How many rules each chain holds once built; the watchdog compares the kernel's counts to these.</summary>
    public IReadOnlyDictionary<string, int> ExpectedRuleCounts
    {
        get
        {
            if (_ruleCounts.Count == 0)
            {
                AppendTo(new NftTableBuilder(Table));
            }

            return _ruleCounts;
        }
    }

    /// <summary>Every set the table holds once built.</summary>
    public IReadOnlySet<string> ExpectedSets
    {
        get
        {
            if (_sets.Count == 0)
            {
                AppendTo(new NftTableBuilder(Table));
            }

            return _sets;
        }
    }

    /// <summary>
    /// The part JSON cannot say on nft 1.0.6: sets whose timeout is below a second (its JSON parser reads whole
    /// seconds and silently drops anything else, measured). Built only from constants, the validated table name
    /// and an integer count of milliseconds. Empty when gating is off.
    /// </summary>
    public string NativePrelude()
    {
        if (!Options.FirstContactGating)
        {
            return "";
        }

        var ms = ((long)Math.Ceiling(Options.GatingMinDelay.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        var prelude = $"add table inet {Table}\n"
            + $"add set inet {Table} {PendingYoung4} {{ type ipv4_addr; flags timeout; timeout {ms}ms; size {Options.TrackingSetSize}; }}\n"
            + $"add set inet {Table} {PendingYoung6} {{ type ipv6_addr; flags timeout; timeout {ms}ms; size {Options.TrackingSetSize}; }}\n";
        if (Options.GateUdp)
        {
            prelude += $"add set inet {Table} {PendingUdpYoung4} {{ type ipv4_addr; flags timeout; timeout {ms}ms; size {Options.TrackingSetSize}; }}\n"
                + $"add set inet {Table} {PendingUdpYoung6} {{ type ipv6_addr; flags timeout; timeout {ms}ms; size {Options.TrackingSetSize}; }}\n";
        }

        if (Options.GatingWary)
        {
            var wary = ((long)Math.Ceiling(PortVeilRulesetDefaults.WaryDelay.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
            prelude += $"add set inet {Table} {PendingWary4} {{ type ipv4_addr; flags timeout; timeout {wary}ms; size {Options.TrackingSetSize}; }}\n"
                + $"add set inet {Table} {PendingWary6} {{ type ipv6_addr; flags timeout; timeout {wary}ms; size {Options.TrackingSetSize}; }}\n";
        }

        return prelude;
    }

    /// <summary>
    /// Appends the whole table to <paramref name="b"/>, idempotently: `add` of an existing table, set or chain is a
    /// no-op, chains are flushed before their rules are added, and set elements (bans) are kept.
    /// </summary>
    /// <remarks>
    /// Sets that already exist are left out (<paramref name="existingSets"/>): nft marks sets used from the packet
    /// path `dynamic`, a flag its 1.0.6 JSON parser cannot write, so an `add set` of the same set would differ in
    /// flags and be refused with EEXIST.
    /// </remarks>
    public void AppendTo(NftTableBuilder b, IReadOnlySet<string>? existingSets = null)
    {
        ArgumentNullException.ThrowIfNull(b);
        _ruleCounts.Clear();
        b.SkipSets = existingSets;
        var o = Options;
        b.AddTable();
        b.AddSet(Banned4, ["ipv4_addr"], ["timeout"], size: o.BanSetSize, counter: o.BanCounters);
        b.AddSet(Banned6, ["ipv6_addr"], ["timeout"], size: o.BanSetSize, counter: o.BanCounters);
        b.AddSet(Banned6Prefix64, ["ipv6_addr"], ["timeout"], size: o.BanSetSize, counter: o.BanCounters);
        b.AddSet(Banned4Prefix24, ["ipv4_addr"], ["timeout"], size: o.BanSetSize, counter: o.BanCounters);
        b.AddSet(WarmUp4, ["ipv4_addr"], ["timeout"], size: WarmUpSetSize, counter: o.BanCounters);
        b.AddSet(WarmUp6, ["ipv6_addr"], ["timeout"], size: WarmUpSetSize, counter: o.BanCounters);
        b.AddSet(Allow4, ["ipv4_addr"], ["interval"]);
        b.AddSet(Allow6, ["ipv6_addr"], ["interval"]);
        b.AddSet(Served, ["inet_proto", "inet_service"], []);
        b.AddSet(Tripwire, ["inet_proto", "inet_service"], []);
        if (o.FirstContactGating)
        {
            var known = Seconds(o.KnownTimeout);
            var hold = Seconds(o.GatingHold);
            b.AddSet(Known4, ["ipv4_addr"], ["timeout"], known, o.TrackingSetSize);
            b.AddSet(Known6, ["ipv6_addr"], ["timeout"], known, o.TrackingSetSize);
            b.AddSet(Pending4, ["ipv4_addr"], ["timeout"], hold, o.TrackingSetSize);
            b.AddSet(Pending6, ["ipv6_addr"], ["timeout"], hold, o.TrackingSetSize);
            if (o.GateUdp)
            {
                var udpHold = Seconds(o.UdpGatingHold);
                b.AddSet(PendingUdp4, ["ipv4_addr"], ["timeout"], udpHold, o.TrackingSetSize);
                b.AddSet(PendingUdp6, ["ipv6_addr"], ["timeout"], udpHold, o.TrackingSetSize);
            }

            if (o.GatingProbeLimit > 0)
            {
                var window = Seconds(PortVeilRulesetDefaults.ProbeWindow);
                var probers = Seconds(PortVeilRulesetDefaults.ProberHold);
                b.AddSet(Probed4, ["ipv4_addr", "inet_proto", "inet_service"], ["timeout"], window, o.TrackingSetSize);
                b.AddSet(Probed6, ["ipv6_addr", "inet_proto", "inet_service"], ["timeout"], window, o.TrackingSetSize);
                b.AddSet(ProbeMeter4, ["ipv4_addr"], ["timeout"], window, o.TrackingSetSize);
                b.AddSet(ProbeMeter6, ["ipv6_addr"], ["timeout"], window, o.TrackingSetSize);
                b.AddSet(Probers4, ["ipv4_addr"], ["timeout"], probers, o.TrackingSetSize);
                b.AddSet(Probers6, ["ipv6_addr"], ["timeout"], probers, o.TrackingSetSize);
            }

            if (o.GatingWary)
            {
                var wary = Seconds(PortVeilRulesetDefaults.WaryTimeout);
                b.AddSet(Wary4, ["ipv4_addr"], ["timeout"], wary, o.TrackingSetSize);
                b.AddSet(Wary6, ["ipv6_addr"], ["timeout"], wary, o.TrackingSetSize);
            }
        }

        if (o.ReflexMeter)
        {
            b.AddSet(Reflex4, ["ipv4_addr"], ["timeout"], 60, o.TrackingSetSize);
            b.AddSet(Reflex6, ["ipv6_addr"], ["timeout"], 60, o.TrackingSetSize);
        }

        // Always there (even with the meter off), so the raw chain's shape does not depend on options.
        b.AddSet(ReflexBanned4, ["ipv4_addr"], ["timeout"], size: o.TrackingSetSize, counter: o.BanCounters);
        b.AddSet(ReflexBanned6, ["ipv6_addr"], ["timeout"], size: o.TrackingSetSize, counter: o.BanCounters);
        b.AddSet(Suspect4, ["ipv4_addr"], ["timeout"], size: o.BanSetSize, counter: o.BanCounters);
        b.AddSet(Suspect6, ["ipv6_addr"], ["timeout"], size: o.BanSetSize, counter: o.BanCounters);

        // Before raw (-300): a packet forged "from" the host itself must be dropped before the allowlist accepts it.
        b.AddBaseChain(SpoofChain, "prerouting", SpoofPriority);
        b.AddBaseChain(RawChain, "prerouting", -300);
        b.AddBaseChain(MangleChain, "prerouting", -150);
        b.AddChain(ServedChain);
        b.AddChain(UnservedChain);
        if (o.LogReplies)
        {
            b.AddBaseChain(RepliesChain, "postrouting", -150);
        }

        // Flush before adding, so a half-flushed table is repaired without duplicate rules.
        b.FlushChain(SpoofChain).FlushChain(RawChain).FlushChain(MangleChain).FlushChain(ServedChain).FlushChain(UnservedChain);
        if (o.LogReplies)
        {
            b.FlushChain(RepliesChain);
        }

        AppendSpoof(b);
        AppendRaw(b);
        AppendMangle(b);
        AppendServed(b);
        AppendUnserved(b);
        if (o.LogReplies)
        {
            Rule(b, RepliesChain, TcpFlags("==", "syn", "ack"), Log(PrefixReply, o.NflogGroup, o.NflogSnaplen));
        }

        _sets.Clear();
        _sets.UnionWith(b.SetNames);
        if (o.FirstContactGating)
        {
            _sets.Add(PendingYoung4);
            _sets.Add(PendingYoung6);
            if (o.GateUdp)
            {
                _sets.Add(PendingUdpYoung4);
                _sets.Add(PendingUdpYoung6);
            }

            if (o.GatingWary)
            {
                _sets.Add(PendingWary4);
                _sets.Add(PendingWary6);
            }
        }
    }

    /// <summary>Priority of chain `spoof`: just before raw (-300), after defragmentation (-400).</summary>
    public const int SpoofPriority = -310;

    private void AppendSpoof(NftTableBuilder b)
    {
        var o = Options;
        if (!o.DropLocalSourceSpoofs && o.ReversePathFilter == ReversePathFilter.Off)
        {
            return;
        }

        // The host talking to itself goes through lo, with its own addresses as sources.
        Rule(b, SpoofChain, Match(Meta("iifname"), "lo"), Accept());
        if (o.DropLocalSourceSpoofs)
        {
            // Only unicast for this host: multicast and broadcast the host sends are looped back with its own source
            // on the real interface (IP_MULTICAST_LOOP), and fib daddr type is then multicast or broadcast, not local.
            Rule(b, SpoofChain, Match(FibSaddrType(), "local"), Match(FibDaddrType(), "local"), Counter(), Drop());
        }

        if (o.ReversePathFilter != ReversePathFilter.Off)
        {
            // Duplicate address detection and MLD send from :: (no route back to it); firewalld's rpfilter does the same.
            Rule(b, SpoofChain, Match(Payload("icmpv6", "type"), AnonymousSet(NeighbourDiscovery)), Accept());
            Rule(b, SpoofChain, Match(FibSourceOif(o.ReversePathFilter == ReversePathFilter.Strict), false), Counter(), Drop());
        }
    }

    private void AppendRaw(NftTableBuilder b)
    {
        // The allowlist always wins, even over a ban (a spoofed flood must never lock out the admin or gateway).
        // accept ends only this chain; the packet still meets the mangle chain.
        Rule(b, RawChain, Match(Payload("ip", "saddr"), SetRef(Allow4)), Accept());
        Rule(b, RawChain, Match(Payload("ip6", "saddr"), SetRef(Allow6)), Accept());
        Rule(b, RawChain, Match(Payload("ip", "saddr"), SetRef(Banned4)), Counter(), Drop());
        Rule(b, RawChain, Match(Payload("ip6", "saddr"), SetRef(Banned6)), Counter(), Drop());
        Rule(b, RawChain, Match(And(Payload("ip6", "saddr"), "ffff:ffff:ffff:ffff::"), SetRef(Banned6Prefix64)), Counter(), Drop());

        // A /24 ban is the source masked to 24 bits in a plain hash set, like banned6_64: the netlink fast path and
        // the listing read it like any address set, and the allowlist accept above still comes first. With gating,
        // returning guests (@known4: a real retransmit to a served port within known_timeout) are spared: a /24 ban
        // can rest on forged probes (campaigns), and an address of the /24 that scans is still banned on its own above.
        if (Options.FirstContactGating)
        {
            Rule(b, RawChain, Match(And(Payload("ip", "saddr"), "255.255.255.0"), SetRef(Banned4Prefix24)),
                Match(Payload("ip", "saddr"), SetRef(Known4), "!="), Counter(), Drop());
        }
        else
        {
            Rule(b, RawChain, Match(And(Payload("ip", "saddr"), "255.255.255.0"), SetRef(Banned4Prefix24)), Counter(), Drop());
        }
        Rule(b, RawChain, Match(Payload("ip", "saddr"), SetRef(ReflexBanned4)), Counter(), Drop());
        Rule(b, RawChain, Match(Payload("ip6", "saddr"), SetRef(ReflexBanned6)), Counter(), Drop());
    }

    private void AppendMangle(NftTableBuilder b)
    {
        var o = Options;
        Rule(b, MangleChain, Match(Meta("iifname"), "lo"), Accept());

        // Only packets for this host are policed: before DNAT, a Docker-published port still has the host's
        // address; traffic routed or bridged through the host (container to container, a LAN behind it) is not ours.
        Rule(b, MangleChain, Match(FibDaddrType(), "local", "!="), Accept());
        Rule(b, MangleChain, Match(Payload("ip", "saddr"), SetRef(Allow4)), Accept());
        Rule(b, MangleChain, Match(Payload("ip6", "saddr"), SetRef(Allow6)), Accept());
        Rule(b, MangleChain, Match(Payload("icmpv6", "type"), AnonymousSet(NeighbourDiscovery)), Accept());

        // FIN, NULL, XMAS, Maimon and odd-flag probes never create a conntrack entry, so they are invalid: log them
        // (flags & (fin|syn|rst|ack) in {0, fin, fin|ack}: no SYN, no RST, no plain ACK or ACK with data) under one
        // table-wide rate limit before the drop. The engine ignores FIN/ACKs to served ports (late closes).
        if (o.LogStealthProbes)
        {
            Rule(b, MangleChain, Match(Ct("state"), "invalid", "in"), Match(Meta("l4proto"), "tcp"),
                Match(And(Payload("tcp", "flags"), Array("fin", "syn", "rst", "ack")), StealthFlagSet()),
                Limit(o.StealthLogRate, o.StealthLogRate), Log(PrefixStealth, o.NflogGroup, o.NflogSnaplen));
        }

        // Late FIN/ACKs after conntrack expiry are invalid: dropped (and, above, at most logged; never counted on served ports).
        Rule(b, MangleChain, Match(Ct("state"), "invalid", "in"), Drop());
        Rule(b, MangleChain, Match(Ct("state"), Array("established", "related"), "in"), Accept());

        // Suspects (decoy cohorts): a real host at the address connects with its own stack (SYN with SACK-permitted,
        // which every modern OS sends); the raw probes forged in its name (nmap -sS/-D, masscan: no SACK) and new
        // non-TCP flows are dropped.
        foreach (var (proto, set) in new[] { ("ip", Suspect4), ("ip6", Suspect6) })
        {
            Rule(b, MangleChain, Match(Payload(proto, "saddr"), SetRef(set)), Match(Meta("l4proto"), "tcp", "!="), Counter(), Drop());
            Rule(b, MangleChain, Match(Payload(proto, "saddr"), SetRef(set)), TcpOptionMissing("sack-perm"), Counter(), Drop());
        }

        // Ping sweeps are evidence, but ping keeps working.
        Rule(b, MangleChain, Match(Payload("icmp", "type"), "echo-request"), Log(PrefixUnserved, o.NflogGroup, o.NflogSnaplen), Accept());
        Rule(b, MangleChain, Match(Payload("icmpv6", "type"), "echo-request"), Log(PrefixUnserved, o.NflogGroup, o.NflogSnaplen), Accept());
        Rule(b, MangleChain, Match(Meta("l4proto"), AnonymousSet(PortProtocols), "!="), Accept());

        if (o.RawSynFingerprint)
        {
            Rule(b, MangleChain, TcpFlags("==", "syn"), TcpOptionMissing("sack-perm"), TcpOptionMissing("window"),
                Log(PrefixFingerprint, o.NflogGroup, o.NflogSnaplen), Drop());
        }

        var protoPort = Concat(Meta("l4proto"), Payload("th", "dport"));
        Rule(b, MangleChain, Match(protoPort, SetRef(Tripwire)), Log(PrefixTripwire, o.NflogGroup, o.NflogSnaplen), Jump(UnservedChain));
        Rule(b, MangleChain, Match(protoPort.DeepClone(), SetRef(Served)), Jump(ServedChain));
        Rule(b, MangleChain, Log(PrefixUnserved, o.NflogGroup, o.NflogSnaplen), Jump(UnservedChain));
    }

    private void AppendServed(NftTableBuilder b)
    {
        var o = Options;
        var served = o.LogServedOpeners ? Log(PrefixServed, o.NflogGroup, o.NflogSnaplen) : Counter();
        if (!o.FirstContactGating)
        {
            Rule(b, ServedChain, served, Accept());
            return;
        }

        Rule(b, ServedChain, Match(Payload("ip", "saddr"), SetRef(Known4)), Accept());
        Rule(b, ServedChain, Match(Payload("ip6", "saddr"), SetRef(Known6)), Accept());

        // TCP SYNs, and with GateUdp (the default) new UDP flows: without it nmap -sU --top-ports 50 got an answer
        // from a served UDP port (DNS or NTP) in 4 of 8 bench runs, with it in 0 of 8.
        Rule(b, ServedChain, Match(Meta("l4proto"), o.GateUdp ? AnonymousSet("tcp", "udp") : JsonValue.Create("tcp"), "!="), served.DeepClone(), Accept());
        if (o.GateUdp)
        {
            // UDP has no flags: only TCP non-SYNs skip the gate.
            Rule(b, ServedChain, Match(Meta("l4proto"), "tcp"), TcpFlags("!=", "syn"), served.DeepClone(), Accept());
        }
        else
        {
            Rule(b, ServedChain, TcpFlags("!=", "syn"), served.DeepClone(), Accept());
        }
        var gated = Log(PrefixGated, o.NflogGroup, o.NflogSnaplen);
        if (o.GatingProbeLimit > 0)
        {
            // A never-seen source that just probed more than GatingProbeLimit unserved ports: none of its raw SYNs
            // (no SACK-permitted: nmap -sS, masscan) passes gating, so a scanner's next SYN ≥ 0.7 s later learns
            // nothing, whether or not the daemon has banned it yet (measured: nmap -T4 sends its second batch 1.5 s in).
            // A real host at that address connects with its own stack (SACK-permitted, as every modern OS sends), so
            // probes forged in its name (nmap -D decoys, spoofers) cannot keep it out, as with the suspect sets.
            Rule(b, ServedChain, Match(Payload("ip", "saddr"), SetRef(Probers4)), TcpOptionMissing("sack-perm"), gated.DeepClone(), Drop());
            Rule(b, ServedChain, Match(Payload("ip6", "saddr"), SetRef(Probers6)), TcpOptionMissing("sack-perm"), gated.DeepClone(), Drop());
        }

        if (o.GateUdp)
        {
            AppendUdpGate(b, served, gated);
        }

        foreach (var (proto, pending, young, known, wary, pendingWary) in new[]
        {
            ("ip", Pending4, PendingYoung4, Known4, Wary4, PendingWary4), ("ip6", Pending6, PendingYoung6, Known6, Wary6, PendingWary6),
        })
        {
            if (o.GatingWary)
            {
                // Wary gate: a source that tried an unserved port first waits 2.5 s, not 0.7 s, so its 1 s retransmit is
                // dropped too and only the ~3 s one passes (below). A connect scanner (nmap -sT --scan-delay 21s revealed
                // 2-3 of 5 served ports without this) times out after ~1 s and learns nothing; the guest pays ~3 s once.
                Rule(b, ServedChain, Match(Payload(proto, "saddr"), SetRef(pendingWary)), gated.DeepClone(), Drop());
            }

            // Retransmit after the minimum delay: the first SYN aged out of @pending_young but is still in @pending.
            // Remembering and accepting are two rules: when @known is full, `update` fails and ends its rule (nft
            // NFT_BREAK), and a spoofed flood that retransmits from 65 536 forged sources must not lock guests out.
            Rule(b, ServedChain, Match(Payload(proto, "saddr"), SetRef(pending)), Match(Payload(proto, "saddr"), SetRef(young), "!="),
                SetStatement("update", known, Payload(proto, "saddr")));
            Rule(b, ServedChain, Match(Payload(proto, "saddr"), SetRef(pending)), Match(Payload(proto, "saddr"), SetRef(young), "!="),
                served.DeepClone(), Accept());

            // Too early: still young. Dropped without refreshing anything.
            Rule(b, ServedChain, Match(Payload(proto, "saddr"), SetRef(young)), gated.DeepClone(), Drop());

            if (o.GatingWary)
            {
                // A wary source's first SYN is also remembered in @pending_wary; the rule below drops it. Anything reaching
                // here is not in @pending (pending and not young was accepted, young dropped); the check says so. A full
                // @pending_wary ends this rule (nft NFT_BREAK): the source meets the ordinary 0.7 s gate (fails open).
                Rule(b, ServedChain, Match(Payload(proto, "saddr"), SetRef(wary)), Match(Payload(proto, "saddr"), SetRef(pending), "!="),
                    SetStatement("add", pendingWary, Payload(proto, "saddr")));
            }

            // First contact.
            Rule(b, ServedChain, Match(Meta("nfproto"), proto == "ip" ? "ipv4" : "ipv6"),
                SetStatement("add", pending, Payload(proto, "saddr")), SetStatement("add", young, Payload(proto, "saddr")),
                gated.DeepClone(), Drop());
        }

        // Gating fails open: only a first SYN whose `add @pending` failed (the set is full: a spoofed flood of more
        // than TrackingSetSize sources within GatingHold) gets here. Without this rule it fell back to the mangle
        // chain, was logged as an unserved-port attempt (a TRW failure for a guest) and dropped. The detectors
        // still see it (pv:served) and the reflex meter and bans still apply. UDP never gets here (its own block ends
        // with its own fail-open accept).
        Rule(b, ServedChain, Match(Meta("l4proto"), "tcp"), served.DeepClone(), Accept());
    }

    /// <summary>
    /// UDP's gate: the same steps as TCP's, every rule limited to UDP, with UDP's own pending sets so its hold
    /// (UdpGatingHold, 30 s) can outlast the resend timers of UDP clients (DNS 1-5 s, QUIC ~1 s, WireGuard 5 s +
    /// 0-333 ms) while TCP keeps its 5 s hold (slow scans). It ends with its own fail-open accept, so no UDP datagram
    /// reaches TCP's rules below.
    /// </summary>
    private void AppendUdpGate(NftTableBuilder b, JsonNode served, JsonNode gated)
    {
        foreach (var (proto, pending, young, known) in new[] { ("ip", PendingUdp4, PendingUdpYoung4, Known4), ("ip6", PendingUdp6, PendingUdpYoung6, Known6) })
        {
            Rule(b, ServedChain, Match(Meta("l4proto"), "udp"), Match(Payload(proto, "saddr"), SetRef(pending)),
                Match(Payload(proto, "saddr"), SetRef(young), "!="), SetStatement("update", known, Payload(proto, "saddr")));
            Rule(b, ServedChain, Match(Meta("l4proto"), "udp"), Match(Payload(proto, "saddr"), SetRef(pending)),
                Match(Payload(proto, "saddr"), SetRef(young), "!="), served.DeepClone(), Accept());
            Rule(b, ServedChain, Match(Meta("l4proto"), "udp"), Match(Payload(proto, "saddr"), SetRef(young)), gated.DeepClone(), Drop());
            Rule(b, ServedChain, Match(Meta("l4proto"), "udp"), Match(Meta("nfproto"), proto == "ip" ? "ipv4" : "ipv6"),
                SetStatement("add", pending, Payload(proto, "saddr")), SetStatement("add", young, Payload(proto, "saddr")),
                gated.DeepClone(), Drop());
        }

        // Fails open like TCP's gate: a first datagram whose `add @pending_udp` failed (full set) is accepted.
        Rule(b, ServedChain, Match(Meta("l4proto"), "udp"), served.DeepClone(), Accept());
    }

    private void AppendUnserved(NftTableBuilder b)
    {
        var o = Options;
        if (o.FirstContactGating && o.GatingWary)
        {
            // Every TCP/UDP attempt on an unserved port (tripwires too) by a never-seen source makes it wary for 10 min.
            // `update` renews the timeout; a full @wary ends the rule (nft NFT_BREAK) without marking anyone (fails open).
            foreach (var (proto, known, wary) in new[] { ("ip", Known4, Wary4), ("ip6", Known6, Wary6) })
            {
                Rule(b, UnservedChain, Match(Meta("l4proto"), AnonymousSet("tcp", "udp")), Match(Payload(proto, "saddr"), SetRef(known), "!="),
                    SetStatement("update", wary, Payload(proto, "saddr")));
            }
        }

        if (o.FirstContactGating && o.GatingProbeLimit > 0)
        {
            // Distinct ports only: a port joins @probed once per source, so a guest's own retransmits to a mistyped port
            // (1, 3, 7, 15 s...) count once. Every step fails open: a full @probed, @probe_meter or @probers ends the
            // rule (nft NFT_BREAK) without marking anyone. Sources already marked are not counted (nor fill @probed).
            var limit = o.GatingProbeLimit;
            foreach (var (proto, probed, meter, probers) in new[] { ("ip", Probed4, ProbeMeter4, Probers4), ("ip6", Probed6, ProbeMeter6, Probers6) })
            {
                var key = Concat(Payload(proto, "saddr"), Meta("l4proto"), Payload("th", "dport"));
                Rule(b, UnservedChain, Match(Payload(proto, "saddr"), SetRef(probers), "!="), Match(key, SetRef(probed), "!="),
                    SetStatement("add", probed, key.DeepClone()),
                    SetStatement("update", meter, Payload(proto, "saddr"), LimitOver(limit, limit)),
                    SetStatement("add", probers, Payload(proto, "saddr")));
            }
        }

        if (o.ReflexMeter)
        {
            var banSeconds = Seconds(o.ReflexBanTime);
            foreach (var (proto, reflex, banned) in new[] { ("ip", Reflex4, ReflexBanned4), ("ip6", Reflex6, ReflexBanned6) })
            {
                Rule(b, UnservedChain, Match(Meta("nfproto"), proto == "ip" ? "ipv4" : "ipv6"),
                    SetStatement("update", reflex, Payload(proto, "saddr"), LimitOver(o.ReflexThreshold, o.ReflexThreshold)),
                    SetStatement("add", banned, ElemWithTimeout(Payload(proto, "saddr"), banSeconds)));
            }
        }

        // Accept (not fall through) when not dropping: returning to mangle would log a tripwire opener twice.
        Rule(b, UnservedChain, o.DropUnserved ? Drop() : Accept());
    }

    private void Rule(NftTableBuilder b, string chain, params JsonNode[] expressions)
    {
        b.AddRule(chain, expressions);
        _ruleCounts[chain] = _ruleCounts.GetValueOrDefault(chain) + 1;
    }

    internal static long Seconds(TimeSpan t) => Math.Max(1, (long)Math.Ceiling(t.TotalSeconds));
}
