using PortVeil.Core;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>The stored record of a ban the policy decided: one mapping for the detection thread and the fleet correlator.</summary>
internal static class DecidedBanRecord
{
    public static BanRecord From(Guid id, BanDecision decision, Verdict verdict, string reason, DetectorKind detector, string host) => new()
    {
        Id = id,
        Target = new BanTarget(decision.Target.Network, decision.Target.Length),
        Reason = reason,
        Detector = detector,
        Scan = verdict.Scan,
        Tool = verdict.Tool,
        StartedAt = decision.DecidedAt,
        ExpiresAt = decision.ExpiresAt,
        EscalationLevel = decision.EscalationLevel,
        OriginHost = host,
        DryRun = decision.DryRun,
    };
}
