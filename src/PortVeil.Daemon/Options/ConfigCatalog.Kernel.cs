using PortVeil.Daemon.Options.Types;
using PortVeil.Enforcement.Nftables;
using PortVeil.Enforcement.ServedPorts;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Kernel()
    {
        const string S = "kernel";
        static void Ruleset(PortVeilConfig c, Func<PortVeilRulesetOptions, PortVeilRulesetOptions> change) =>
            c.Enforcement = c.Enforcement with { Ruleset = change(c.Enforcement.Ruleset) };
        return new ConfigSection(S, "Protections in PortVeil's own nftables table (`table inet portveil`); other tables are never touched.",
        [
            ConfigKey.Create(S, "drop_unserved", BoolType.Instance,
                "Drop connection attempts to ports nothing serves, with no RST: the host looks filtered, not closed.",
                c => c.Ruleset.DropUnserved, (c, v) => Ruleset(c, r => r with { DropUnserved = v }), nameof(PortVeilRulesetOptions.DropUnserved)),
            ConfigKey.Create(S, "reflex_meter", BoolType.Instance,
                "Let the kernel ban a source by itself, in microseconds, when it opens too many unserved ports.",
                c => c.Ruleset.ReflexMeter, (c, v) => Ruleset(c, r => r with { ReflexMeter = v }), nameof(PortVeilRulesetOptions.ReflexMeter)),
            ConfigKey.Create(S, "reflex_threshold", new IntegerType(1, 100_000, "per minute"),
                "Unserved-port attempts per minute from one source that trigger the reflex ban.",
                c => c.Ruleset.ReflexThreshold, (c, v) => Ruleset(c, r => r with { ReflexThreshold = (int)v }), nameof(PortVeilRulesetOptions.ReflexThreshold)),
            ConfigKey.Create(S, "reflex_ban_time", new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)),
                "How long a reflex ban lasts (a kernel timeout: it expires even if the daemon is down).",
                c => c.Ruleset.ReflexBanTime, (c, v) => Ruleset(c, r => r with { ReflexBanTime = v }), nameof(PortVeilRulesetOptions.ReflexBanTime)),
            ConfigKey.Create(S, "first_contact_gating", BoolType.Instance,
                "Drop a never-seen source's first SYN to a served port and accept its retransmit: guests pay ~1 s once, scanners see nothing.",
                c => c.Ruleset.FirstContactGating, (c, v) => Ruleset(c, r => r with { FirstContactGating = v }), nameof(PortVeilRulesetOptions.FirstContactGating)),
            ConfigKey.Create(S, "gating_udp", BoolType.Instance,
                "Gate new UDP flows to served ports too (first datagram dropped, a resend within gating_udp_hold accepted): nmap -sU then learns nothing. A UDP-only newcomer waits for one resend, once (DNS 1-5 s, QUIC ~1 s, WireGuard 5 s); senders that never resend (syslog, SNMP traps) lose one datagram: allowlist them.",
                c => c.Ruleset.GateUdp, (c, v) => Ruleset(c, r => r with { GateUdp = v }), nameof(PortVeilRulesetOptions.GateUdp)),
            ConfigKey.Create(S, "gating_min_delay", new DurationType(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30)),
                "A retransmitted SYN is accepted only after this delay (real TCP stacks retransmit after ~1 s).",
                c => c.Ruleset.GatingMinDelay, (c, v) => Ruleset(c, r => r with { GatingMinDelay = v }), nameof(PortVeilRulesetOptions.GatingMinDelay)),
            ConfigKey.Create(S, "gating_hold", new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
                "How long a first SYN is remembered while waiting for its retransmit; must exceed gating_min_delay.",
                c => c.Ruleset.GatingHold, (c, v) => Ruleset(c, r => r with { GatingHold = v }), nameof(PortVeilRulesetOptions.GatingHold)),
            ConfigKey.Create(S, "gating_udp_hold", new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
                "With gating_udp: how long a first UDP datagram is remembered while waiting for its resend (UDP's own sets; TCP keeps gating_hold). Longer than WireGuard's 5 s handshake resend; must exceed gating_min_delay.",
                c => c.Ruleset.UdpGatingHold, (c, v) => Ruleset(c, r => r with { UdpGatingHold = v }), nameof(PortVeilRulesetOptions.UdpGatingHold)),
            ConfigKey.Create(S, "known_timeout", new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromDays(3650)),
                "How long a source that passed gating stays known, so a returning guest pays no delay.",
                c => c.Ruleset.KnownTimeout, (c, v) => Ruleset(c, r => r with { KnownTimeout = v }), nameof(PortVeilRulesetOptions.KnownTimeout)),
            ConfigKey.Create(S, "gating_probe_limit", new IntegerType(0, 10_000, "ports"),
                "With gating: a never-seen source that opens more than this many distinct unserved ports within about a minute gets no raw SYN (no SACK-permitted: nmap -sS, masscan) through gating for 10 minutes, so its next probes learn nothing even before its ban (0: off). Known sources and real stacks are unaffected.",
                c => c.Ruleset.GatingProbeLimit, (c, v) => Ruleset(c, r => r with { GatingProbeLimit = (int)v }), nameof(PortVeilRulesetOptions.GatingProbeLimit)),
            ConfigKey.Create(S, "gating_wary", BoolType.Instance,
                "With gating: a never-seen source that tried an unserved port within 10 minutes gets through gating only with a SYN 2.5 s after its first (its 1 s retransmit is dropped too), so a slow connect scan (nmap -sT) learns nothing. A guest whose first attempt went to a wrong port waits ~3 s instead of ~1 s, once. Needs gating_hold of at least 4 s.",
                c => c.Ruleset.GatingWary, (c, v) => Ruleset(c, r => r with { GatingWary = v }), nameof(PortVeilRulesetOptions.GatingWary)),
            ConfigKey.Create(S, "raw_syn_drop", BoolType.Instance,
                "Drop SYNs without SACK-permitted and window-scale options (nmap -sS, masscan, zmap); every modern OS sends both.",
                c => c.Ruleset.RawSynFingerprint, (c, v) => Ruleset(c, r => r with { RawSynFingerprint = v }), nameof(PortVeilRulesetOptions.RawSynFingerprint)),
            ConfigKey.Create(S, "log_stealth_probes", BoolType.Instance,
                "Log FIN/NULL/XMAS/Maimon probes (conntrack calls them invalid) before they are dropped, so their senders get banned.",
                c => c.Ruleset.LogStealthProbes, (c, v) => Ruleset(c, r => r with { LogStealthProbes = v }), nameof(PortVeilRulesetOptions.LogStealthProbes)),
            ConfigKey.Create(S, "stealth_log_rate", new IntegerType(1, 100_000, "per second"),
                "Stealth probes logged per second for the whole host (burst the same), so a spoofed flood cannot flood the log.",
                c => c.Ruleset.StealthLogRate, (c, v) => Ruleset(c, r => r with { StealthLogRate = (int)v }), nameof(PortVeilRulesetOptions.StealthLogRate)),
            ConfigKey.Create(S, "reverse_path_filter", new EnumType<ReversePathFilter>(
                    ("strict", ReversePathFilter.Strict), ("loose", ReversePathFilter.Loose), ("off", ReversePathFilter.Off)),
                "Drop packets whose source address has no route back through the interface they came in on (\"strict\"), or no route at all (\"loose\"), before the allowlist and the detectors see them. Multi-homed hosts with asymmetric routing use \"loose\" or \"off\" (`portveil doctor` shows rp_filter).",
                c => c.Ruleset.ReversePathFilter, (c, v) => Ruleset(c, r => r with { ReversePathFilter = v }), nameof(PortVeilRulesetOptions.ReversePathFilter)),
            ConfigKey.Create(S, "drop_local_spoofs", BoolType.Instance,
                "Drop packets for this host that arrive from outside with one of its own addresses (or a loopback address) as source: always forged.",
                c => c.Ruleset.DropLocalSourceSpoofs, (c, v) => Ruleset(c, r => r with { DropLocalSourceSpoofs = v }), nameof(PortVeilRulesetOptions.DropLocalSourceSpoofs)),
            ConfigKey.Create(S, "log_replies", BoolType.Instance,
                "Also log SYN-ACKs leaving the host, so `explain` can prove which open ports a scanner saw.",
                c => c.Ruleset.LogReplies, (c, v) => Ruleset(c, r => r with { LogReplies = v }), nameof(PortVeilRulesetOptions.LogReplies)),
            ConfigKey.Create(S, "always_served", new PortListType(allowProtocols: true, maxPorts: 4096),
                "Ports treated as served even when nothing listens yet (a service that starts on demand).",
                c => (IReadOnlyList<ServedPort>)[.. c.ServedPorts.AlwaysServed],
                (c, v) => c.ServedPorts = c.ServedPorts with { AlwaysServed = v }, nameof(ServedPortWatcherOptions.AlwaysServed)),
            ConfigKey.Create(S, "include_docker_ports", BoolType.Instance,
                "Treat ports published by DNAT rules (Docker, both firewall backends) as served.",
                c => c.ServedPorts.IncludeDnat, (c, v) => c.ServedPorts = c.ServedPorts with { IncludeDnat = v }, nameof(ServedPortWatcherOptions.IncludeDnat)),
            ConfigKey.Create(S, "repair_table", BoolType.Instance,
                "Re-create PortVeil's table with its bans within a second if someone flushes or deletes it.",
                c => c.Enforcement.Watchdog, (c, v) => c.Enforcement = c.Enforcement with { Watchdog = v }, nameof(NftEnforcerOptions.Watchdog)),
        ], c => Throwing(c.Ruleset.Validate, "invalid ruleset options: "));
    }
}
