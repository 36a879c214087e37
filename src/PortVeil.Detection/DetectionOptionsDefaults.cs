namespace PortVeil.Detection;

/// <summary>Every default of <see cref="DetectionOptions"/>, each with the reason for its value.</summary>
public static class DetectionOptionsDefaults
{
    /// <summary>65,536 sources × 128 bytes = 8 MiB: a small VPS tracks a busy day of internet noise in cache-friendly memory.</summary>
    public const int Capacity = 65_536;

    /// <summary>8 ways (1 KiB of entries) per bucket: a spoofed flood evicts inside one bucket, lookups stay at ≤ 8 compares (scanlogd caps its hash chains the same way).</summary>
    public const int Ways = 8;

    /// <summary>scanlogd's SCAN_DELAY_THRESHOLD: probes further apart than 3 s start a new window.</summary>
    public const double WindowSeconds = 3.0;

    /// <summary>scanlogd's SCAN_WEIGHT_THRESHOLD 21: seven privileged or commonly scanned ports, or 21 other ports, within the window.</summary>
    public const int WindowWeightThreshold = 21;

    /// <summary>scanlogd's PORT_WEIGHT_PRIV: ports below 1024 and the commonly scanned high ports weigh 3.</summary>
    public const int PrivilegedPortWeight = 3;

    /// <summary>scanlogd's PORT_WEIGHT_HIGH.</summary>
    public const int OtherPortWeight = 1;

    /// <summary>Jung et al. 2004: a benign first contact succeeds with probability 0.8.</summary>
    public const double TrwTheta0 = 0.8;

    /// <summary>Jung et al. 2004: a scanner's first contact succeeds with probability 0.2.</summary>
    public const double TrwTheta1 = 0.2;

    /// <summary>Jung et al. 2004: at most 1 % of benign sources may be called scanners.</summary>
    public const double TrwAlpha = 0.01;

    /// <summary>Jung et al. 2004: at least 99 % of scanners are detected. With 0.8/0.2 this means 4 net failures flag.</summary>
    public const double TrwBeta = 0.99;

    /// <summary>
    /// Distinct closed ports that flag a source even when it mixes in successes: TRW alone never flags a scan of a
    /// dozen ports of which half are open (6 failures, 6 successes). A guest who mistypes a port touches one or two.
    /// </summary>
    public const int ClosedPortThreshold = 6;

    /// <summary>Distinct never-legitimate probes (NULL, FIN, XMAS, SYN+FIN, odd flags) that flag: 3 rules out a single corrupted packet.</summary>
    public const int StealthThreshold = 3;

    /// <summary>Suspicious sources (any failure) are remembered for 24 h so a probe every 5 minutes, or every hour, still adds up.</summary>
    public const double SuspectRetentionHours = 24;

    /// <summary>Sources with only successes are forgotten after 15 minutes: guests cost memory briefly.</summary>
    public const double BenignRetentionMinutes = 15;

    /// <summary>Distinct destination hosts that make a sweep: 10 is more than a client of a small cluster touches, far less than a /24 sweep.</summary>
    public const int SweepMinHosts = 10;

    /// <summary>A verdict is called a sweep (not a vertical scan) when the source touched at least this many hosts and more hosts than ports.</summary>
    public const int SweepClassifyHosts = 4;

    /// <summary>Sources with failures in one /24, /64 or fingerprint group before the group is a distributed scan (the corpus's 6x10 scan has 6).</summary>
    public const int DistributedMinSources = 5;

    /// <summary>Distinct closed ports the group's members touched together before it counts: 5 sources each retrying one typo port are not a scan.</summary>
    public const int DistributedMinClosedPorts = 10;

    /// <summary>A group forgets members after 30 minutes without a new failure.</summary>
    public const double DistributedWindowMinutes = 30;

    /// <summary>Verdicts one group may emit per window: a spoofed flood that shares a fingerprint cannot turn into thousands of verdicts.</summary>
    public const int GroupVerdictBudget = 64;

    /// <summary>4,096 groups × ~330 bytes ≈ 1.3 MiB.</summary>
    public const int GroupCapacity = 4_096;

    /// <summary>
    /// nmap -D sends a probe's decoy copies back to back (microseconds apart on the wire); 10 ms leaves room for NFLOG
    /// batching and a loaded host, while two unrelated sources hitting the same port within 10 ms, three times over, is rare.
    /// </summary>
    public const double DecoyWindowMilliseconds = 10;

    /// <summary>Three coincident ports make a decoy cohort: one could be chance, three in a row are one sender.</summary>
    public const int DecoyMinPorts = 3;

    /// <summary>Linux's ip_local_port_range starts at 32768: established traffic from a lower local port is a service answering.</summary>
    public const int EphemeralPortStart = 32_768;
}
