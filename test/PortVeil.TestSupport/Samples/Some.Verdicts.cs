using PortVeil.Core;

namespace PortVeil.TestSupport.Samples;

public static partial class Some
{
    /// <summary>The ports the sample scan probed: 21, 23, 25 and 8080 closed, 22 and 443 open, 80 unanswered.</summary>
    private static readonly ushort[] SampleProbed = [21, 22, 23, 25, 80, 443, 8080];
    private static readonly ushort[] SampleClosed = [21, 23, 25, 8080];
    private static readonly ushort[] SampleOpen = [22, 443];

    /// <summary>
    /// The evidence of a SYN scan decided at <paramref name="decided"/>, its first probe 2.5 s earlier. Without
    /// <paramref name="probed"/>: 7 probes, 21, 23, 25, 8080 closed, 22 and 443 open and 80 unanswered (it was
    /// dropped before gating); with it: every probed port not in <paramref name="open"/> is closed.
    /// </summary>
    /// <remarks>
    /// Score 6.931 against 4.595 is ln Λ after 5 failures against ln η1 for TRW's defaults; another detector's test
    /// gives its own <paramref name="score"/>, <paramref name="threshold"/> and <paramref name="summary"/>.
    /// <paramref name="probes"/> defaults to one probe per port.
    /// </remarks>
    public static Evidence Evidence(
        DateTimeOffset decided,
        ushort[]? probed = null,
        ushort[]? open = null,
        ScannerTool tool = ScannerTool.Nmap,
        DetectorKind detector = DetectorKind.Trw,
        IReadOnlyList<NetAddress>? group = null,
        string? summary = null,
        string? fingerprint = null,
        int? probes = null,
        double score = 6.931,
        double threshold = 4.595)
    {
        ushort[] closed;
        if (probed is null)
        {
            probed = SampleProbed;
            open ??= SampleOpen;
            closed = [.. SampleClosed.Except(open)];
        }
        else
        {
            open ??= [];
            closed = [.. probed.Except(open)];
        }

        return new Evidence
        {
            Detector = detector,
            Score = score,
            Threshold = threshold,
            Summary = summary ?? "TRW: 5 failures, 0 successes; ln Λ 6.93 ≥ ln(η1) 4.60",
            Probes = probes ?? probed.Length,
            PortsProbed = probed,
            ClosedPorts = closed,
            OpenPortsReached = open,
            FlagsSeen = TcpFlags.Syn,
            Tool = tool,
            FingerprintDetail = fingerprint ?? (tool == ScannerTool.Nmap ? "window 1024, lone MSS 1460" : null),
            HostsProbed = 1,
            GroupMembers = group ?? [],
            FirstSeenNs = Ns(decided) - 2_500_000_000,
            LastSeenNs = Ns(decided),
        };
    }

    /// <summary>A verdict on <paramref name="source"/>, verified unless told; its detector and tool are the evidence's.</summary>
    public static Verdict Verdict(
        SourceKey source, DateTimeOffset decided, Evidence? evidence = null, ScanKind scan = ScanKind.Syn, bool verified = true, bool decoyCohort = false)
    {
        evidence ??= Evidence(decided);
        return new Verdict
        {
            Source = source,
            Scan = scan,
            Detector = evidence.Detector,
            Tool = evidence.Tool,
            DecidedAtNs = Ns(decided),
            SourceVerified = verified,
            DecoyCohort = decoyCohort,
            Evidence = evidence,
        };
    }

    /// <inheritdoc cref="Verdict(SourceKey, DateTimeOffset, PortVeil.Core.Evidence?, ScanKind, bool, bool)"/>
    public static Verdict Verdict(NetAddress source, DateTimeOffset decided, Evidence? evidence = null) =>
        Verdict(SourceKey.ForAddress(source), decided, evidence);

    /// <summary>The sample verdict on <paramref name="source"/>, decided now.</summary>
    public static Verdict Verdict(string source = "203.0.113.7") => Verdict(NetAddress.Parse(source), DateTimeOffset.UtcNow);
}
