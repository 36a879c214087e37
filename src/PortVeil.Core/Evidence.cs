namespace PortVeil.Core;

/// <summary>
/// Why a verdict was reached, in numbers a person can check: the detector's score against its threshold, the
/// probes and ports it saw, the flags and fingerprint, and which open ports the source had already reached.
/// </summary>
/// <remarks>Built once per verdict (rare), so it may allocate; the per-packet path never does.</remarks>
public sealed class Evidence
{
    public required DetectorKind Detector { get; init; }

    /// <summary>The detector's score at the moment of the verdict (weight sum, log-likelihood ratio, …).</summary>
    public required double Score { get; init; }

    /// <summary>The threshold the score crossed.</summary>
    public required double Threshold { get; init; }

    /// <summary>One sentence on what the score means, e.g. "TRW: 5 failures, 0 successes; ln Λ 6.93 ≥ ln(η1) 4.59".</summary>
    public required string Summary { get; init; }

    /// <summary>Probes (openers) from the source counted up to the verdict.</summary>
    public required int Probes { get; init; }

    /// <summary>Distinct destination ports probed before the verdict (as many as the state keeps).</summary>
    public required IReadOnlyList<ushort> PortsProbed { get; init; }

    /// <summary>Of those, ports where nothing was served (closed or filtered).</summary>
    public required IReadOnlyList<ushort> ClosedPorts { get; init; }

    /// <summary>Open (served) ports the source reached before the verdict: what it learned (exposure).</summary>
    public required IReadOnlyList<ushort> OpenPortsReached { get; init; }

    /// <summary>Union of TCP flag combinations seen in the source's probes.</summary>
    public TcpFlags FlagsSeen { get; init; }

    public ScannerTool Tool { get; init; }

    /// <summary>What the fingerprint matched on, e.g. "window 1024, lone MSS 1460".</summary>
    public string? FingerprintDetail { get; init; }

    /// <summary>Distinct destination hosts the source touched (sweeps).</summary>
    public int HostsProbed { get; init; }

    /// <summary>Other sources grouped with this one (distributed scans, decoy cohorts), empty otherwise.</summary>
    public IReadOnlyList<NetAddress> GroupMembers { get; init; } = [];

    public long FirstSeenNs { get; init; }

    public long LastSeenNs { get; init; }
}
