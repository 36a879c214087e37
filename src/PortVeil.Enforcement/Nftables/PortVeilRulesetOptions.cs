namespace PortVeil.Enforcement.Nftables;

/// <summary>What goes into `table inet portveil`. Defaults and their reasons: <see cref="PortVeilRulesetDefaults"/>.</summary>
public sealed record PortVeilRulesetOptions
{
    public string Table { get; init; } = PortVeilRulesetDefaults.Table;

    /// <summary>The `log group` of every NFLOG rule; the NFLOG sensor binds the same group.</summary>
    public ushort NflogGroup { get; init; } = PortVeilRulesetDefaults.NflogGroup;

    public ushort NflogSnaplen { get; init; } = PortVeilRulesetDefaults.NflogSnaplen;

    /// <summary>Log openers to served ports from sources not yet known (TRW needs successes as well as failures).</summary>
    public bool LogServedOpeners { get; init; } = true;

    /// <summary>
    /// Drop openers to ports nothing serves, without RST or ICMP unreachable, so the host looks filtered rather than
    /// closed. Off: they are still logged (and counted by the reflex meter) but reach the host's stack, which answers.
    /// </summary>
    public bool DropUnserved { get; init; } = true;

    /// <summary>The kernel bans a source by itself after <see cref="ReflexThreshold"/> unserved openers within a minute.</summary>
    public bool ReflexMeter { get; init; } = true;

    public int ReflexThreshold { get; init; } = PortVeilRulesetDefaults.ReflexThreshold;

    public TimeSpan ReflexBanTime { get; init; } = PortVeilRulesetDefaults.ReflexBanTime;

    /// <summary>First SYN of a never-seen source to a served port is dropped; its retransmit is accepted.</summary>
    public bool FirstContactGating { get; init; } = true;

    /// <summary>
    /// Gate UDP to served ports too: a never-seen source's first datagram is dropped, its resend after
    /// <see cref="GatingMinDelay"/> and within <see cref="UdpGatingHold"/> accepted. On by default (nmap -sU found a
    /// served UDP port in 4 of 8 bench runs without it, 0 of 8 with it). The cost: a UDP-only newcomer waits for
    /// one resend, once (DNS 1-5 s, QUIC ~1 s, WireGuard 5 s); a sender that never resends (syslog, SNMP traps)
    /// loses its first datagram: allowlist it.
    /// </summary>
    public bool GateUdp { get; init; } = true;

    /// <summary>
    /// How long a first UDP datagram is remembered waiting for its resend (UDP's own pending sets; TCP keeps
    /// <see cref="GatingHold"/>): longer than WireGuard's 5 s + 333 ms handshake resend, or every resend would be a
    /// first contact again.
    /// </summary>
    public TimeSpan UdpGatingHold { get; init; } = PortVeilRulesetDefaults.UdpGatingHold;

    public TimeSpan GatingMinDelay { get; init; } = PortVeilRulesetDefaults.GatingMinDelay;

    public TimeSpan GatingHold { get; init; } = PortVeilRulesetDefaults.GatingHold;

    public TimeSpan KnownTimeout { get; init; } = PortVeilRulesetDefaults.KnownTimeout;

    /// <summary>
    /// With gating: a never-seen source that opened more than this many distinct unserved ports within about a minute
    /// gets no raw SYN (without SACK-permitted) through gating for <see cref="PortVeilRulesetDefaults.ProberHold"/>;
    /// known sources and SYNs from a real stack are unaffected. 0 turns it off.
    /// </summary>
    public int GatingProbeLimit { get; init; } = PortVeilRulesetDefaults.GatingProbeLimit;

    /// <summary>
    /// With gating: a never-seen source that recently tried an unserved port (within
    /// <see cref="PortVeilRulesetDefaults.WaryTimeout"/>) is wary, and its SYN to a served port passes only
    /// <see cref="PortVeilRulesetDefaults.WaryDelay"/> (2.5 s) after its first: its 1 s retransmit is dropped too.
    /// A slow connect scan (nmap -sT, whose ~1 s timeout gives up before the 3 s retransmit) learns nothing; a guest
    /// who mistyped a port first waits ~3 s instead of ~1 s, once.
    /// </summary>
    public bool GatingWary { get; init; } = true;

    /// <summary>Drop and log SYNs without SACK-permitted and window-scale options (raw scanners; every modern OS sends both).</summary>
    public bool RawSynFingerprint { get; init; }

    /// <summary>
    /// Log stealth probes (TCP segments conntrack calls invalid with no SYN, no RST and not a plain ACK: NULL, FIN,
    /// XMAS, Maimon FIN/ACK, odd flags) at most <see cref="StealthLogRate"/> per second, just before the invalid
    /// drop, so the stealth detector can ban FIN/NULL/XMAS scanners. Off: they are dropped unseen, as before.
    /// </summary>
    public bool LogStealthProbes { get; init; } = true;

    /// <summary>Stealth probes logged per second, table-wide (the burst is the same number): bounds log volume under spoofed floods.</summary>
    public int StealthLogRate { get; init; } = PortVeilRulesetDefaults.StealthLogRate;

    /// <summary>
    /// Reverse-path filter in chain `spoof` (before the allowlist and the bans): packets whose source is not routable
    /// back through (strict) or at all (loose) are dropped and counted, and never reach conntrack or NFLOG.
    /// </summary>
    public ReversePathFilter ReversePathFilter { get; init; } = PortVeilRulesetDefaults.ReversePathFilter;

    /// <summary>
    /// Drop (and count) unicast packets for this host that arrive on an interface other than loopback with one of the
    /// host's own addresses or a loopback address as source: always forged, and the host's addresses are allowlisted.
    /// </summary>
    public bool DropLocalSourceSpoofs { get; init; } = true;

    /// <summary>Log SYN-ACKs leaving the host (prefix pv:reply), so exposure can be measured from replies.</summary>
    public bool LogReplies { get; init; }

    /// <summary>Per-element packet and byte counters on the ban sets.</summary>
    public bool BanCounters { get; init; } = true;

    public int BanSetSize { get; init; } = PortVeilRulesetDefaults.BanSetSize;

    public int TrackingSetSize { get; init; } = PortVeilRulesetDefaults.TrackingSetSize;

    /// <summary>Throws naming every invalid value.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(Table) || Table.Length > 64 || !Table.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            problems.Add($"{nameof(Table)} must be 1-64 ASCII letters, digits or '_'");
        }

        if (ReflexThreshold is < 1 or > 100_000)
        {
            problems.Add($"{nameof(ReflexThreshold)} must be 1..100000");
        }

        if (ReflexBanTime < TimeSpan.FromSeconds(1) || KnownTimeout < TimeSpan.FromSeconds(1) || GatingHold < TimeSpan.FromSeconds(1)
            || UdpGatingHold < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{nameof(ReflexBanTime)}, {nameof(KnownTimeout)}, {nameof(GatingHold)} and {nameof(UdpGatingHold)} must be at least 1 s (nft JSON timeouts are whole seconds)");
        }

        if (GatingMinDelay < TimeSpan.FromMilliseconds(1) || GatingMinDelay >= GatingHold)
        {
            problems.Add($"{nameof(GatingMinDelay)} must be positive and shorter than {nameof(GatingHold)}");
        }

        if (UdpGatingHold <= GatingMinDelay)
        {
            problems.Add($"{nameof(GatingMinDelay)} must be shorter than {nameof(UdpGatingHold)}");
        }

        if (FirstContactGating && GatingWary && GatingHold < PortVeilRulesetDefaults.WaryMinGatingHold)
        {
            problems.Add($"{nameof(GatingHold)} must be at least 4 s with {nameof(GatingWary)} (a wary source gets in with its SYN retransmit at ~3 s, which must find its first SYN still pending)");
        }

        if (GatingProbeLimit is < 0 or > 10_000)
        {
            problems.Add($"{nameof(GatingProbeLimit)} must be 0..10000");
        }

        if (StealthLogRate is < 1 or > 100_000)
        {
            problems.Add($"{nameof(StealthLogRate)} must be 1..100000");
        }

        if (BanSetSize < 1 || TrackingSetSize < 1)
        {
            problems.Add("set sizes must be positive");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid ruleset options: " + string.Join("; ", problems));
        }
    }
}
