namespace PortVeil.Enforcement.Nftables;

/// <summary>The defaults of <see cref="PortVeilRulesetOptions"/>, with the reasons for each.</summary>
public static class PortVeilRulesetDefaults
{
    /// <summary>Our table's name; the family is always inet.</summary>
    public const string Table = "portveil";

    /// <summary>0x5056 ("PV"), the NFLOG sensor's default group, far from ulogd's usual 0-1.</summary>
    public const ushort NflogGroup = 0x5056;

    /// <summary>Bytes of each logged packet copied to userspace: IPv6 (40) + TCP with options (60) fits in 96... almost; headers only.</summary>
    public const ushort NflogSnaplen = 96;

    /// <summary>Unserved-port openers per minute a source may send before the kernel bans it by itself.</summary>
    public const int ReflexThreshold = 20;

    /// <summary>How long a reflex ban lasts: long enough to stop a scan, short enough to forgive a misfire.</summary>
    public static readonly TimeSpan ReflexBanTime = TimeSpan.FromHours(1);

    /// <summary>A retransmitted SYN is accepted only after this: real stacks retransmit after ~1 s (RFC 6298 initial RTO).</summary>
    public static readonly TimeSpan GatingMinDelay = TimeSpan.FromMilliseconds(700);

    /// <summary>How long a first SYN is remembered while waiting for its retransmit.</summary>
    public static readonly TimeSpan GatingHold = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a first UDP datagram is remembered while waiting for its resend: UDP clients resend on their own
    /// timers (DNS 1-5 s, QUIC ~1 s, WireGuard every 5 s + 0-333 ms jitter), so a 5 s hold would lock WireGuard out for
    /// good; 30 s covers all of them with room for a lost resend or two.
    /// </summary>
    public static readonly TimeSpan UdpGatingHold = TimeSpan.FromSeconds(30);

    /// <summary>How long a source that passed gating stays known (a returning guest costs nothing).</summary>
    public static readonly TimeSpan KnownTimeout = TimeSpan.FromDays(30);

    /// <summary>
    /// With gating, a never-seen source that opens more than 3 distinct unserved ports within about a minute gets no
    /// raw SYN (no SACK-permitted) through gating. A guest who mistypes a port touches one, two at most; the
    /// engine's TRW calls 4 failures a scan, and nmap -T4's first batch of 10 probes holds more than 3 unserved ports on
    /// any real server, well before its first retransmit (~1.5 s later, measured).
    /// </summary>
    public const int GatingProbeLimit = 3;

    /// <summary>How long an unserved port counts towards the gating probe limit (the meter refills 3 ports per minute).</summary>
    public static readonly TimeSpan ProbeWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a source over the gating probe limit stays kept out: longer than any fast scan (nmap -T4 of 1000
    /// ports takes seconds), short enough that a misjudged guest (4 typos in a minute) gets in within 10 minutes.
    /// </summary>
    public static readonly TimeSpan ProberHold = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a never-seen source stays wary after its last attempt on an unserved port: a slow connect scan
    /// (nmap -sT --scan-delay 21s) keeps it wary between probes; a guest who mistyped a port once is forgiven after it.
    /// </summary>
    public static readonly TimeSpan WaryTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A wary source's SYN passes gating only this long after its first: Linux retransmits a SYN at 1 s and 3 s, so a
    /// real client gets in with its second retransmit, while a connect scanner's 1 s timeout (nmap -sT) has given up.
    /// </summary>
    public static readonly TimeSpan WaryDelay = TimeSpan.FromMilliseconds(2500);

    /// <summary>
    /// The shortest gating hold the wary gate works with: the first SYN must still be pending when the 3 s retransmit
    /// comes (plus a round trip), or every retransmit would be a first contact again and the source never get in.
    /// </summary>
    public static readonly TimeSpan WaryMinGatingHold = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Stealth probes (pv:stealth) logged per second across all sources, burst the same: 3 probes ban a FIN/NULL/XMAS
    /// scanner, and nmap -T4 sends a few hundred per second, so one scanner gets through at once; a spoofed flood
    /// costs at most 100 × 96-byte messages (≈ 10 KB/s) and 100 engine events per second.
    /// </summary>
    public const int StealthLogRate = 100;

    /// <summary>Maximum elements in each ban set; more bans than this fail loudly instead of growing kernel memory.</summary>
    public const int BanSetSize = 262_144;

    /// <summary>Maximum sources tracked by the reflex meter, gating and known sets.</summary>
    public const int TrackingSetSize = 65_536;

    /// <summary>
    /// Strict: a single-homed server (the usual self-hoster) loses nothing, and packets "from" its other networks
    /// (Docker's bridges, a LAN behind a second interface) arriving on the internet side are dropped. Hosts whose
    /// replies leave by another interface than requests came in (multi-homed without policy routing, some VPN
    /// set-ups) choose loose or off; `portveil doctor` shows the kernel's own rp_filter and the policy-routing rules.
    /// </summary>
    public const ReversePathFilter ReversePathFilter = Nftables.ReversePathFilter.Strict;
}
