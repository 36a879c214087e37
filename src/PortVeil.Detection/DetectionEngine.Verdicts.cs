using System.Globalization;
using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.Fingerprints;
using PortVeil.Detection.State;
using PortVeil.Detection.Stealth;

namespace PortVeil.Detection;

/// <summary>Turns a source's state into a verdict with its evidence (cold path: allocates, formats).</summary>
public sealed partial class DetectionEngine
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Emit(ref SourceState s, in SourceKey key, DetectorKind detector, double score, double threshold, long now, IReadOnlyList<NetAddress>? members, string? groupSummary)
    {
        s.Bits |= StateBits.VerdictEmitted;
        var ports = new List<ushort>(s.RingFill);
        var closed = new List<ushort>(s.RingFill);
        for (var n = s.RingFill; n >= 1; n--)
        {
            var i = (s.RingNext - n + PortRing.Length) % PortRing.Length;
            var port = s.Ports[i];
            if (!ports.Contains(port))
            {
                ports.Add(port);
            }

            if ((s.FailMask & (1 << i)) != 0 && !closed.Contains(port))
            {
                closed.Add(port);
            }
        }

        var open = new List<ushort>(s.OpenCount);
        for (var i = 0; i < s.OpenCount; i++)
        {
            open.Add(s.Open[i]);
        }

        var hosts = key.IsPrefix ? 1 : Math.Max(1, EstimateHosts(s.HostSketch));
        var scan = ScanKindOf(in s, hosts, ports.Count);
        var summary = groupSummary ?? Summarize(in s, detector, score, threshold, hosts, ports.Count);
        var cohort = CohortOf(in s, in key, now);
        if (cohort is not null)
        {
            summary += DescribeCohort(cohort, now);
            members = cohort;
        }

        var evidence = new Evidence
        {
            Detector = detector,
            Score = Math.Round(score, 3),
            Threshold = Math.Round(threshold, 3),
            Summary = summary,
            Probes = s.Probes,
            PortsProbed = ports,
            ClosedPorts = closed,
            OpenPortsReached = open,
            FlagsSeen = s.FlagsSeen,
            Tool = s.Tool,
            FingerprintDetail = FingerprintMatcher.Describe(s.Tool, s.FingerprintWindow),
            HostsProbed = hosts,
            GroupMembers = members ?? [],
            FirstSeenNs = s.FirstSeenNs,
            LastSeenNs = s.LastSeenNs,
        };
        var verdict = new Verdict
        {
            Source = key,
            Scan = scan,
            Detector = detector,
            Tool = s.Tool,
            DecidedAtNs = now,
            Evidence = evidence,
            SourceVerified = s.Has(StateBits.Verified),
            DecoyCohort = cohort is not null,
        };
        _counters.Verdicts++;
        _sink.OnVerdict(verdict);
    }

    /// <summary>
    /// The scan type is the plurality of the source's probe kinds (port probes first; ICMP only when there were no
    /// port probes), turned into a sweep when it touched more hosts than ports.
    /// </summary>
    private ScanKind ScanKindOf(in SourceState s, int hosts, int distinctPorts)
    {
        var best = ProbeKind.None;
        ulong bestVotes = 0;
        for (var k = ProbeKind.RawSyn; k <= ProbeKind.IcmpQuery; k++)
        {
            var votes = (s.KindVotes >> (4 * (int)k)) & 0xF;
            var portKind = k < ProbeKind.Ping;
            var bestIsPort = best is not ProbeKind.None and < ProbeKind.Ping;
            if (votes > 0 && (best == ProbeKind.None || (portKind && !bestIsPort) || (portKind == bestIsPort && votes > bestVotes)))
            {
                best = k;
                bestVotes = votes;
            }
        }

        // A tool fingerprint from nmap's raw discovery SYN does not change a connect scan into a SYN scan.
        var kind = ProbeClassifier.ToScanKind(best);

        if (hosts >= _options.SweepClassifyHosts && hosts > distinctPorts)
        {
            return kind == ScanKind.PingSweep ? ScanKind.PingSweep : ScanKind.Sweep;
        }

        return kind;
    }

    private string Summarize(in SourceState s, DetectorKind detector, double score, double threshold, int hosts, int ports)
    {
        var c = CultureInfo.InvariantCulture;
        var span = TimeSpan.FromTicks((s.LastSeenNs - s.FirstSeenNs) / 100);
        return detector switch
        {
            DetectorKind.Tripwire => string.Create(c,
                $"Tripwire: touched a never-served port with {s.Failures} failed first contacts{(s.Has(StateBits.Verified) ? ", address verified by its replies" : "")} (needs verification or ≥ 2 failures)."),
            DetectorKind.StealthFlags => string.Create(c,
                $"Stealth flags: {s.Stealth} probes with flag combinations no real TCP stack sends (flags seen {s.FlagsSeen}) ≥ {threshold}."),
            DetectorKind.WindowThreshold => string.Create(c,
                $"Window threshold: port weight {score} within {_options.Window.TotalSeconds:0.#} s ≥ {threshold} ({s.Probes} first contacts, privileged/common ports weigh {_options.PrivilegedPortWeight})."),
            DetectorKind.Trw when score == s.Trw => string.Create(c,
                $"TRW: {s.Failures} failed and {s.Successes} successful first contacts; ln Λ {score:0.00} ≥ ln(β/α) {threshold:0.00}."),
            DetectorKind.Trw => string.Create(c,
                $"Closed ports: {s.Failures} distinct closed ports ≥ {threshold} despite {s.Successes} successes."),
            DetectorKind.SlowScan => string.Create(c,
                $"Slow scan: {s.Failures} failed and {s.Successes} successful first contacts over {span.TotalMinutes:0.#} min, median gap above {_options.Window.TotalSeconds:0.#} s; score {score:0.00} ≥ {threshold:0.00}."),
            DetectorKind.Sweep => string.Create(c,
                $"Sweep: about {hosts} destination hosts on {ports} port(s) ≥ {threshold} hosts."),
            _ => string.Create(c, $"{ScanNames.Of(detector)}: score {score:0.00} ≥ {threshold:0.00}."),
        };
    }
}
