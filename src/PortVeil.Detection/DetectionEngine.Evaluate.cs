using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.State;

namespace PortVeil.Detection;

/// <summary>
/// The detectors' decisions in a fixed order, the first over its threshold names the verdict: stealth flags, window
/// threshold, TRW / closed-port count (called slow-scan when the probes were spread out), tripwire (verified or
/// corroborated: it fires earlier than the others, at the second failure), sweep.
/// </summary>
public sealed partial class DetectionEngine
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Evaluate(ref SourceState s, in SourceKey key, long now)
    {
        if (s.Has(StateBits.VerdictEmitted))
        {
            return;
        }

        DetectorKind detector;
        double score;
        double threshold;
        if (s.Stealth >= _options.StealthThreshold)
        {
            detector = DetectorKind.StealthFlags;
            score = s.Stealth;
            threshold = _options.StealthThreshold;
        }
        else if (s.WindowWeight >= _options.WindowWeightThreshold)
        {
            detector = DetectorKind.WindowThreshold;
            score = s.WindowWeight;
            threshold = _options.WindowWeightThreshold;
        }
        else if (s.Trw >= _trwUpper)
        {
            detector = IsSpreadOut(in s) ? DetectorKind.SlowScan : DetectorKind.Trw;
            score = s.Trw;
            threshold = _trwUpper;
        }
        else if (s.Failures >= _options.ClosedPortThreshold)
        {
            detector = IsSpreadOut(in s) ? DetectorKind.SlowScan : DetectorKind.Trw;
            score = s.Failures;
            threshold = _options.ClosedPortThreshold;
        }
        else if (s.Has(StateBits.Tripwire) && (s.Has(StateBits.Verified) || s.Failures >= 2))
        {
            // A touch alone could be one spoofed SYN; a verified address or a second failure corroborates it.
            detector = DetectorKind.Tripwire;
            score = s.Failures;
            threshold = s.Has(StateBits.Verified) ? 1 : 2;
        }
        else if (!key.IsPrefix && s.HostSketch != 0 && IsSweep(in s))
        {
            detector = DetectorKind.Sweep;
            score = EstimateHosts(s.HostSketch);
            threshold = _options.SweepMinHosts;
        }
        else
        {
            return;
        }

        // An IPv6 /64 entry speaks only when several addresses of it took part; one address has its own entry.
        if (key.IsPrefix && EstimateHosts(s.HostSketch) < 2)
        {
            return;
        }

        if (DeferForCohort(in s, in key, now))
        {
            return;
        }

        Emit(ref s, in key, detector, score, threshold, now, null, null);
    }

    /// <summary>Median gap between first contacts longer than the threshold window: a scan paced to slip under it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpreadOut(in SourceState s) => (s.Gaps >> 4) > (s.Gaps & 0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsSweep(in SourceState s)
    {
        if (System.Numerics.BitOperations.PopCount(s.HostSketch) < Math.Min(_options.SweepMinHosts, 64) * 3 / 4)
        {
            return false; // cheap pre-check before the logarithm
        }

        if (EstimateHosts(s.HostSketch) < _options.SweepMinHosts)
        {
            return false;
        }

        var pings = (s.KindVotes >> (4 * (int)ProbeKind.Ping)) & 0xF;
        return s.Failures > s.Successes || (pings > 0 && s.Successes == 0);
    }
}
